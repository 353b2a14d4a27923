import type { PredictionIndicator } from '../../contracts/southbound';
import { clip } from '../hardware/ipmi-sel';
import { PollingSource, type Logger } from '../hardware/polling-source';
import { now, type Emit } from '../report';
import type { Predictor } from './predictor';

/**
 * Samples one failure indicator every interval and feeds each subject's reading to its own
 * predictor; only the predictors' transitions are reported (`failure.prediction`), the samples
 * stay on the host. A subject missing from a poll (unreadable this time) keeps its state.
 */
export abstract class PredictionSource<R> extends PollingSource {
  readonly name: string;
  private readonly predictors = new Map<string, Predictor<R>>();

  constructor(
    private readonly indicator: PredictionIndicator,
    intervalS: number,
    logger: Logger,
  ) {
    super(intervalS * 1000, logger);
    this.name = `prediction.${indicator}`;
  }

  /** This poll's readings by subject. */
  protected abstract read(): Promise<Map<string, R>>;

  /** A predictor for a subject seen for the first time. */
  protected abstract predictor(): Predictor<R>;

  /** Reads one subject; what it cannot make sense of is logged and skipped for this interval. */
  protected async readSafely(what: string, read: () => Promise<R | undefined>): Promise<R | undefined> {
    try {
      return await read();
    } catch (error) {
      this.logger.warn(`${what} unreadable; skipped this interval`, { error: (error as Error).message });
      return undefined;
    }
  }

  protected async poll(emit: Emit): Promise<void> {
    const readings = await this.read();
    const atS = Date.now() / 1000;
    for (const [subject, reading] of readings) {
      const predictor = this.predictors.get(subject) ?? this.predictor();
      this.predictors.set(subject, predictor);
      const change = predictor.observe(atS, reading);
      if (!change) continue;
      emit({
        detailType: 'failure.prediction',
        detail: {
          observedAt: now(),
          indicator: this.indicator,
          subject: clip(subject, 128),
          predicted: change.predicted,
          severity: change.severity,
          probableCause: clip(change.probableCause, 256),
          evidence: change.evidence.slice(0, 20).map((line) => clip(line, 512)),
        },
      });
    }
  }
}
