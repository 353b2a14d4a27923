export interface PeerVerdict {
  reachable: boolean;
  lossPct: number;
  rttMs: number | null;
}

export interface PeerWindowSettings {
  downAfter: number;
  upAfter: number;
  window: number;
}

/**
 * What one observer concludes about one peer from its probes. The peer turns unreachable
 * after `downAfter` consecutive lost probes and reachable again after `upAfter` consecutive
 * answers, so scattered loss (a lossy link, not a dead host) changes nothing; lossPct is
 * over the last `window` probes. Pure: the prober feeds it, it says when to report.
 */
export class PeerWindow {
  private reachable: boolean | undefined;
  private lost = 0;
  private answered = 0;
  private readonly recent: boolean[] = [];
  private lastRttMs: number | null = null;

  constructor(private readonly settings: PeerWindowSettings) {}

  /** Records one probe; returns the new verdict when the peer's reachability changed. */
  record(answered: boolean, rttMs?: number): PeerVerdict | undefined {
    this.recent.push(answered);
    if (this.recent.length > this.settings.window) this.recent.shift();
    if (answered) {
      this.answered++;
      this.lost = 0;
      this.lastRttMs = rttMs ?? null;
    } else {
      this.lost++;
      this.answered = 0;
    }
    const next =
      this.lost >= this.settings.downAfter ? false : this.answered >= this.settings.upAfter ? true : this.reachable;
    if (next === undefined || next === this.reachable) return undefined;
    this.reachable = next;
    return this.verdict();
  }

  /** The current verdict, once there is one (for periodic refreshes). */
  current(): PeerVerdict | undefined {
    return this.reachable === undefined ? undefined : this.verdict();
  }

  private verdict(): PeerVerdict {
    const lostCount = this.recent.filter((ok) => !ok).length;
    const lossPct = this.recent.length === 0 ? 0 : Math.round((1000 * lostCount) / this.recent.length) / 10;
    return { reachable: this.reachable === true, lossPct, rttMs: this.reachable ? this.lastRttMs : null };
  }
}
