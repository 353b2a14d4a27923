/** A reading at a time; `atS` is in seconds on any clock that only moves forward. */
type Sample = { atS: number; value: number };

/** The readings of the last `windowS` seconds, oldest first. */
export class SampleWindow {
  private kept: Sample[] = [];

  constructor(readonly windowS: number) {}

  add(atS: number, value: number): void {
    this.kept.push({ atS, value });
    this.kept = this.kept.filter((sample) => atS - sample.atS <= this.windowS);
  }

  get oldest(): Sample | undefined {
    return this.kept[0];
  }

  get latest(): Sample | undefined {
    return this.kept.at(-1);
  }

  /** Seconds between the oldest and the newest reading. */
  spanS(): number {
    return (this.latest?.atS ?? 0) - (this.oldest?.atS ?? 0);
  }

  /**
   * How much the value grew from the oldest reading in the window to the newest. A counter that
   * went down (reset, or a garbled reading) shows no growth until the higher reading has left the
   * window, never a false one: a reset delays what follows by at most the window.
   */
  growth(): number {
    return (this.latest?.value ?? 0) - (this.oldest?.value ?? 0);
  }

  /** Did the value grow by at least `by` within the window? */
  grewBy(by: number): boolean {
    return this.kept.length > 1 && this.growth() >= by;
  }

  /**
   * The growth per hour over the window's length, not over the span of the readings: right after
   * start a short span would turn a few errors into a high rate.
   */
  ratePerHour(): number {
    return (this.growth() * 3600) / this.windowS;
  }

  /**
   * The slope in units per second, once at least three readings span `minSpanS`: the median of the
   * slopes between every two readings (Theil-Sen). One outlier among them barely moves it, where
   * a least-squares fit would follow a single noisy reading.
   */
  slopePerS(minSpanS: number): number | undefined {
    if (this.kept.length < 3 || this.spanS() < minSpanS) return undefined;
    const slopes = this.kept
      .flatMap((a, i) => this.kept.slice(i + 1).map((b) => (b.value - a.value) / (b.atS - a.atS)))
      .filter(Number.isFinite)
      .sort((x, y) => x - y);
    const middle = Math.floor(slopes.length / 2);
    return slopes.length % 2 === 1 ? slopes[middle] : ((slopes[middle - 1] ?? 0) + (slopes[middle] ?? 0)) / 2;
  }
}

/** Tracks how long a condition has held on every reading in a row. */
export class Persistence {
  private since: number | undefined;

  /** Records whether the condition holds at `atS`. */
  update(atS: number, holds: boolean): void {
    this.since = holds ? (this.since ?? atS) : undefined;
  }

  /** Has it held on every reading for at least `persistS` up to `atS`? */
  heldFor(atS: number, persistS: number): boolean {
    return this.since !== undefined && atS - this.since >= persistS;
  }
}
