import type { LinkReading } from './ip-monitor';

export interface DampingStep {
  /** The reading to report now, if any. */
  send?: LinkReading;
  /** When `release` must be called next, while the interface is suppressed. */
  wakeAt?: number;
}

export interface DampingSettings {
  /** The penalty halves in this time. */
  halfLifeMs: number;
  /** Changes stop being reported once the penalty exceeds this (each change adds 1000). */
  suppressAbove: number;
  /** ... and are reported again, the latest state first, once it decays below this. */
  reuseBelow: number;
  /** The longest an interface stays suppressed after its last change (bounds the penalty). */
  maxSuppressMs: number;
}

const PENALTY = 1000;

const same = (a: LinkReading | undefined, b: LinkReading) => a?.state === b.state && a.carrier === b.carrier;

/**
 * Flap damping for one interface, after BGP route flap damping (RFC 2439) and IP event
 * dampening: every change adds a penalty that decays exponentially. While it stays at or below
 * `suppressAbove`, every change is reported at once, so a fault and its recovery are never
 * delayed. A link that keeps bouncing crosses it and is suppressed: its changes are only
 * remembered until the penalty decays below `reuseBelow` (at most `maxSuppressMs` after the
 * last change), and then its latest state is reported if it differs from the last one sent.
 * So a link bouncing many times a second yields a few reports, the last carrying its final state.
 */
export class LinkDamper {
  private sent: LinkReading | undefined;
  private latest: LinkReading | undefined;
  private penalty = 0;
  private penaltyAt = 0;
  /** While suppressed: when the penalty will have decayed below reuseBelow. */
  private reuseAtMs: number | undefined;
  private readonly ceiling: number;

  constructor(private readonly settings: DampingSettings) {
    this.ceiling = settings.reuseBelow * 2 ** (settings.maxSuppressMs / settings.halfLifeMs);
  }

  observe(reading: LinkReading, nowMs: number): DampingStep {
    const previous = this.latest;
    this.latest = reading;
    // The first reading is the interface's state, not a change: report it, no penalty.
    if (previous === undefined) return this.report(reading);
    if (same(previous, reading)) return this.reuseAtMs === undefined ? {} : { wakeAt: this.reuseAtMs };
    this.decay(nowMs);
    this.penalty = Math.min(this.penalty + PENALTY, this.ceiling);
    if (this.reuseAtMs !== undefined || this.penalty > this.settings.suppressAbove) {
      this.reuseAtMs = this.reuseAt(nowMs);
      return { wakeAt: this.reuseAtMs };
    }
    return same(this.sent, reading) ? {} : this.report(reading);
  }

  release(nowMs: number): DampingStep {
    if (this.reuseAtMs === undefined) return {};
    if (nowMs < this.reuseAtMs) return { wakeAt: this.reuseAtMs };
    this.reuseAtMs = undefined;
    return this.latest && !same(this.sent, this.latest) ? this.report(this.latest) : {};
  }

  private decay(nowMs: number): void {
    this.penalty *= 2 ** (-(nowMs - this.penaltyAt) / this.settings.halfLifeMs);
    this.penaltyAt = nowMs;
  }

  /** When the (just decayed) penalty will have fallen below the reuse threshold. */
  private reuseAt(nowMs: number): number {
    return nowMs + Math.ceil(this.settings.halfLifeMs * Math.log2(this.penalty / this.settings.reuseBelow));
  }

  private report(reading: LinkReading): DampingStep {
    this.sent = reading;
    return { send: reading };
  }
}
