import { z } from 'zod';
import { clip, type HardwareDetail, type HardwareState } from './ipmi-sel';

/**
 * One row of smartctl's ATA attribute table. smartctl leaves out the normalised value of
 * attributes that have none, and the threshold fields of drives that report no thresholds.
 */
const ataSmartAttribute = z.looseObject({
  id: z.number(),
  name: z.string(),
  /** The normalised value: the drive counts it down towards thresh as the attribute degrades. */
  value: z.number().optional(),
  thresh: z.number().optional(),
  /** "now" when value is at or below thresh, "past" when worst ever was, else "". */
  when_failed: z.string().optional(),
  /** prefailure: at or below thresh, the attribute predicts failure (smartctl's "Pre-fail" type). */
  flags: z.looseObject({ prefailure: z.boolean() }).optional(),
  raw: z.looseObject({ value: z.number() }),
});

/** The parts of `smartctl --json -a` this collector reads; smartctl adds many more, kept as they are. */
const smartctlOutput = z.looseObject({
  smartctl: z.looseObject({
    exit_status: z.number().int(),
    messages: z.array(z.looseObject({ string: z.string(), severity: z.string().optional() })).optional(),
  }),
  model_name: z.string().optional(),
  serial_number: z.string().optional(),
  smart_status: z.looseObject({ passed: z.boolean() }).optional(),
  ata_smart_attributes: z.looseObject({ table: z.array(ataSmartAttribute) }).optional(),
  nvme_smart_health_information_log: z
    .looseObject({
      critical_warning: z.number().int(),
      media_errors: z.number().optional(),
      /** Percent of the rated endurance used; may exceed 100. */
      percentage_used: z.number().optional(),
      /** Spare capacity left, in percent; the drive warns below available_spare_threshold. */
      available_spare: z.number().optional(),
      available_spare_threshold: z.number().optional(),
    })
    .optional(),
});

export type SmartctlOutput = z.infer<typeof smartctlOutput>;
export type AtaSmartAttribute = z.infer<typeof ataSmartAttribute>;

export type SmartctlRead = { ok: true; output: SmartctlOutput } | { ok: false; reason: string };

/**
 * smartctl's exit status is a bitmask (smartctl(8) "RETURN VALUES"). Bit 0: the command line did
 * not parse, which includes a device path smartctl cannot make sense of ("Unable to detect device
 * type"): a configuration problem to log, not a disk state.
 */
const EXIT_BAD_COMMAND_LINE = 0x01;
/** Bit 3: SMART status check returned "DISK FAILING". */
const EXIT_DISK_FAILING = 0x08;

/** ATA attributes that count sectors the drive could not read or had to remap: any is an early sign of failure. */
export const ATA_SECTOR_ATTRIBUTES: Record<number, string> = {
  5: 'reallocated sectors',
  197: 'pending sectors',
  198: 'offline uncorrectable sectors',
};

/** NVMe SMART/Health log "Critical Warning" bits (NVMe base specification, log page 02h). */
const NVME_CRITICAL_WARNINGS = [
  'available spare below threshold',
  'temperature outside its threshold',
  'NVM subsystem reliability degraded',
  'media in read-only mode',
  'volatile memory backup device failed',
  'persistent memory region read-only',
];

const messagesOf = (output: SmartctlOutput): string =>
  (output.smartctl.messages ?? []).map((message) => message.string).join('; ');

function warningsOf(output: SmartctlOutput): string[] {
  const warnings: string[] = [];
  for (const attribute of output.ata_smart_attributes?.table ?? []) {
    const what = ATA_SECTOR_ATTRIBUTES[attribute.id];
    if (what && attribute.raw.value > 0) warnings.push(`${attribute.raw.value} ${what} (${attribute.name})`);
  }
  const nvme = output.nvme_smart_health_information_log;
  if (nvme && nvme.critical_warning !== 0) {
    const bits = NVME_CRITICAL_WARNINGS.filter((_, bit) => nvme.critical_warning & (1 << bit));
    warnings.push(
      `NVMe critical warning 0x${nvme.critical_warning.toString(16)}: ${bits.join(', ') || 'reserved bits'}`,
    );
  }
  if (nvme?.media_errors) warnings.push(`${nvme.media_errors} NVMe media and data integrity errors`);
  return warnings;
}

/**
 * Reads `smartctl --json -a <device>` output. smartctl exits non-zero for failing disks too, so
 * the output is read whatever the exit status; it is unusable only when it is not smartctl JSON
 * or smartctl rejected its command line.
 */
export function readSmartctl(device: string, stdout: string): SmartctlRead {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    return {
      ok: false,
      reason: `smartctl printed no JSON for ${device}: ${clip(stdout.trim(), 200) || 'empty output'}`,
    };
  }
  const parsed = smartctlOutput.safeParse(json);
  if (!parsed.success)
    return { ok: false, reason: `unexpected smartctl JSON for ${device}: ${z.prettifyError(parsed.error)}` };
  const output = parsed.data;
  if (output.smartctl.exit_status & EXIT_BAD_COMMAND_LINE)
    return { ok: false, reason: `smartctl rejected the command line or device ${device}: ${messagesOf(output)}` };
  return { ok: true, output };
}

/**
 * The disk hardware.event detail of a device's smartctl output. A device that fails to open or to
 * return SMART data is a warning: it is meant to be watched and cannot be.
 */
export function smartctlDetail(device: string, output: SmartctlOutput, observedAt: string): HardwareDetail {
  const exitStatus = output.smartctl.exit_status;
  const identity = `${output.model_name ?? 'unknown model'} serial ${output.serial_number ?? 'unknown'} (${device})`;
  const detail = (state: HardwareState, finding: string): HardwareDetail => ({
    observedAt,
    component: 'disk',
    sensor: clip(device, 128),
    state,
    message: clip(`${identity}: ${finding}`, 1024),
  });

  if (!output.smart_status)
    return detail(
      'warning',
      `SMART data unavailable (smartctl exit status ${exitStatus}): ${messagesOf(output) || 'no message'}`,
    );
  const warnings = warningsOf(output);
  const failing = !output.smart_status.passed || (exitStatus & EXIT_DISK_FAILING) !== 0;
  const findings = [
    failing ? 'SMART overall-health self-assessment FAILED' : 'SMART overall-health passed',
    ...warnings,
  ];
  return detail(failing ? 'critical' : warnings.length > 0 ? 'warning' : 'ok', findings.join('; '));
}
