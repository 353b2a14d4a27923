import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { diskPredictionConfig } from './prediction/disk-prediction';
import { memoryPredictionConfig } from './prediction/memory-prediction';
import { powerPredictionConfig } from './prediction/power-prediction';
import { thermalPredictionConfig } from './prediction/thermal-prediction';

const listen = (port: number) =>
  z.object({ address: z.string().default('0.0.0.0'), port: z.number().int().min(1).max(65535).default(port) });

/**
 * The collector's configuration file (JSON). A source is on when its section is present.
 * Defaults suit a compute host; every figure can be tuned per site.
 */
const sections = z.object({
  host: z.string().min(1).max(255),
  /** Defaults to the host name: one collector per host. */
  collectorId: z.string().min(1).max(255).optional(),
  bus: z.object({
    name: z.string().min(1),
    region: z.string().optional(),
    /** An EventBridge endpoint other than AWS's (the local emulator, a VPC endpoint URL). */
    endpoint: z.url().optional(),
    /** Backoff between attempts while the bus is unreachable (events wait in the spool). */
    retry: z
      .object({ baseMs: z.number().int().positive().default(100), maxMs: z.number().int().positive().default(30_000) })
      .default({ baseMs: 100, maxMs: 30_000 }),
  }),
  spool: z.object({
    dir: z.string().min(1),
    /** fsync each spooled event: survives power loss, not only a crash of the daemon. */
    fsync: z.boolean().default(true),
  }),
  heartbeat: z
    .object({
      intervalS: z.number().positive().default(30),
      bootIdFile: z.string().default('/proc/sys/kernel/random/boot_id'),
      uptimeFile: z.string().default('/proc/uptime'),
    })
    .optional(),
  link: z
    .object({
      interfaces: z
        .array(
          z.object({ name: z.string().min(1).max(64), role: z.enum(['management', 'data', 'storage']).optional() }),
        )
        .min(1),
      /** Flap damping (./link/link-damping.ts): each change adds 1000 to a decaying penalty. */
      damping: z
        .object({
          halfLifeMs: z.number().int().positive().default(1000),
          suppressAbove: z.number().positive().default(2500),
          reuseBelow: z.number().positive().default(800),
          maxSuppressMs: z.number().int().positive().default(10_000),
        })
        .default({ halfLifeMs: 1000, suppressAbove: 2500, reuseBelow: 800, maxSuppressMs: 10_000 }),
    })
    .optional(),
  /** Peer probing by TCP handshake (./peers/peer-source.ts): allow TCP to this port between hosts. */
  peers: z
    .object({
      listen: listen(7946),
      intervalMs: z.number().int().positive().default(100),
      /** Consecutive lost probes before a peer is reported unreachable. */
      downAfter: z.number().int().positive().default(3),
      /** Consecutive answered probes before it is reported reachable again. */
      upAfter: z.number().int().positive().default(3),
      /** Probes over which lossPct is computed. */
      window: z.number().int().positive().default(50),
      /** Every peer's state is re-sent at this interval, so observers' votes stay fresh. */
      refreshS: z.number().positive().default(30),
      targets: z
        .array(
          z.object({
            host: z.string().min(1).max(255),
            address: z.string().min(1),
            port: z.number().int().min(1).max(65535).default(7946),
          }),
        )
        .min(1),
    })
    .optional(),
  hypervisor: z
    .object({
      processes: z.array(z.string().min(1).max(64)).min(1).default(['libvirtd', 'nova-compute']),
      intervalMs: z.number().int().positive().default(500),
      procDir: z.string().default('/proc'),
    })
    .optional(),
  ipmi: z
    .object({
      command: z.string().default('ipmitool'),
      /** Interface arguments, e.g. ["-I", "open"] on the host or ["-I", "lanplus", "-H", ...] for a BMC over LAN. */
      args: z.array(z.string()).default(['-I', 'open']),
      intervalS: z.number().positive().default(10),
    })
    .optional(),
  redfish: z
    .object({
      listen: listen(8442).extend({ address: z.string().default('127.0.0.1') }),
      path: z.string().startsWith('/').default('/redfish/events'),
      /** Serve HTTPS with this certificate (PEM files): many BMCs push only to HTTPS destinations. */
      tls: z.object({ certFile: z.string().min(1), keyFile: z.string().min(1) }).optional(),
    })
    .optional(),
  smart: z
    .object({
      command: z.string().default('smartctl'),
      devices: z.array(z.string().min(1)).min(1),
      intervalS: z.number().positive().default(300),
    })
    .optional(),
  /**
   * Failure prediction (./prediction/): each indicator is on when its section is present.
   * Its thresholds, windowS and persistS are described in its predictor's schema.
   */
  prediction: z
    .object({
      /** From the smart section's devices. */
      disk: diskPredictionConfig.extend({ intervalS: z.number().positive().default(300) }).optional(),
      memory: memoryPredictionConfig
        .extend({
          intervalS: z.number().positive().default(60),
          edacDir: z.string().default('/sys/devices/system/edac/mc'),
        })
        .optional(),
      thermal: thermalPredictionConfig
        .extend({ intervalS: z.number().positive().default(30), hwmonDir: z.string().default('/sys/class/hwmon') })
        .optional(),
      /** From the ipmi section's BMC. */
      power: powerPredictionConfig.extend({ intervalS: z.number().positive().default(30) }).optional(),
    })
    .refine((prediction) => Object.values(prediction).some(Boolean), {
      message: 'name at least one indicator: disk, memory, thermal or power',
    })
    .optional(),
});

/** The sections, and what one needs of another: a predictor reads through another source's settings. */
export const collectorConfig = sections.superRefine((config, context) => {
  if (config.prediction?.disk && !config.smart)
    context.addIssue({
      code: 'custom',
      path: ['prediction', 'disk'],
      message: 'needs the smart section (its devices)',
    });
  if (config.prediction?.power && !config.ipmi)
    context.addIssue({ code: 'custom', path: ['prediction', 'power'], message: 'needs the ipmi section (its BMC)' });
});

export type CollectorConfig = z.infer<typeof collectorConfig>;

/** Reads and validates the configuration; the error names every problem and the file. */
export function loadCollectorConfig(path: string): CollectorConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read collector configuration ${path}: ${(error as Error).message}`);
  }
  const parsed = collectorConfig.safeParse(raw);
  if (!parsed.success) throw new Error(`invalid collector configuration ${path}:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
