import { sol003Alarm } from '../../../../lib/contracts/sol003-fm';
import { sol003AlarmOf } from '../../../../lib/notifier/vnffm/sol003-alarm';
import {
  attributePaths,
  parseFilter,
  passesFilter,
  type FilterTerm,
} from '../../../../lib/notifier/vnffm/sol013-filter';
import { alarmView, LINKS } from '../builders';

const ALARM_ATTRIBUTES = attributePaths(sol003Alarm);

/** The terms of a filter over the SOL 003 Alarm; fails the test if it does not parse. */
function termsOf(filter: string, attributes: ReadonlySet<string> = ALARM_ATTRIBUTES): FilterTerm[] {
  const parsed = parseFilter(filter, attributes);
  if (!parsed.ok) throw new Error(`expected "${filter}" to parse, got: ${parsed.problem}`);
  return parsed.terms;
}

/** The problem parseFilter names; fails the test if the filter parses. */
function problemOf(filter: string): string {
  const parsed = parseFilter(filter, ALARM_ATTRIBUTES);
  if (parsed.ok) throw new Error(`expected "${filter}" to be refused, got ${JSON.stringify(parsed.terms)}`);
  return parsed.problem;
}

/** A SOL 003 alarm as GET /alarms shows it: instance vm-a1 on compute-1, MAJOR, raised at the epoch. */
const shownAlarm = sol003AlarmOf(alarmView('a-1').alarm, undefined, LINKS);
const alarmWith = (changes: Record<string, unknown>) => ({ ...shownAlarm, ...changes });

describe('Function: attributePaths (the attributes a filter may name)', () => {
  it.each([
    'id',
    'perceivedSeverity',
    'eventType',
    'managedObjectId',
    'vnfcInstanceIds',
    'alarmAcknowledgedTime',
    'rootCauseFaultyResource',
    'rootCauseFaultyResource/faultyResourceType',
    'rootCauseFaultyResource/faultyResource/resourceId',
    'rootCauseFaultyResource/faultyResource/vimLevelResourceType',
    '_links/self/href',
    '_links/objectInstance/href',
  ])("names the SOL 003 Alarm's %s", (path) => {
    // Assess
    expect(ALARM_ATTRIBUTES.has(path)).toBe(true);
  });

  it('names no attribute the Alarm does not have, nor a nested one by its last name alone', () => {
    // Assess
    expect(ALARM_ATTRIBUTES.has('tenantId')).toBe(false);
    expect(ALARM_ATTRIBUTES.has('resourceId')).toBe(false);
    expect(ALARM_ATTRIBUTES.has('href')).toBe(false);
  });
});

describe('Function: parseFilter (SOL 013 attribute-based filtering)', () => {
  describe('well-formed filters', () => {
    it.each([
      ['eq', '(eq,perceivedSeverity,CRITICAL)', ['CRITICAL']],
      ['neq', '(neq,perceivedSeverity,CLEARED)', ['CLEARED']],
      ['in', '(in,eventType,EQUIPMENT_ALARM,COMMUNICATIONS_ALARM)', ['EQUIPMENT_ALARM', 'COMMUNICATIONS_ALARM']],
      ['nin', '(nin,eventType,QOS_ALARM,ENVIRONMENTAL_ALARM)', ['QOS_ALARM', 'ENVIRONMENTAL_ALARM']],
      ['gt', '(gt,alarmRaisedTime,2026-03-01T09:00:00Z)', ['2026-03-01T09:00:00Z']],
      ['gte', '(gte,alarmRaisedTime,2026-03-01T09:00:00Z)', ['2026-03-01T09:00:00Z']],
      ['lt', '(lt,alarmRaisedTime,2026-03-01T09:00:00Z)', ['2026-03-01T09:00:00Z']],
      ['lte', '(lte,alarmRaisedTime,2026-03-01T09:00:00Z)', ['2026-03-01T09:00:00Z']],
      ['cont', '(cont,probableCause,down,lost)', ['down', 'lost']],
      ['ncont', '(ncont,probableCause,disk)', ['disk']],
    ])('reads the %s operator with its values', (op, filter, values) => {
      // Act
      const parsed = parseFilter(filter, ALARM_ATTRIBUTES);

      // Assess
      expect(parsed).toEqual({ ok: true, terms: [{ op, path: expect.any(Array), values }] });
    });

    it('reads several terms separated by ";", every one of which must hold', () => {
      // Act
      const terms = termsOf('(eq,perceivedSeverity,CRITICAL);(in,eventType,EQUIPMENT_ALARM,COMMUNICATIONS_ALARM)');

      // Assess
      expect(terms).toEqual([
        { op: 'eq', path: ['perceivedSeverity'], values: ['CRITICAL'] },
        { op: 'in', path: ['eventType'], values: ['EQUIPMENT_ALARM', 'COMMUNICATIONS_ALARM'] },
      ]);
    });

    it.each([
      ['"/"', '(eq,rootCauseFaultyResource/faultyResource/resourceId,compute-1)'],
      ['"."', '(eq,rootCauseFaultyResource.faultyResource.resourceId,compute-1)'],
    ])('reads a nested attribute written with %s as its path of names', (_, filter) => {
      // Act
      const terms = termsOf(filter);

      // Assess
      expect(terms).toEqual([
        { op: 'eq', path: ['rootCauseFaultyResource', 'faultyResource', 'resourceId'], values: ['compute-1'] },
      ]);
    });

    it('reads a quoted value with commas and parentheses in it as one value', () => {
      // Act
      const terms = termsOf("(in,probableCause,'disk failure (predicted), reallocated sectors',host down)");

      // Assess
      expect(terms[0]?.values).toEqual(['disk failure (predicted), reallocated sectors', 'host down']);
    });

    it('reads a doubled quote inside a quoted value as one quote', () => {
      // Act
      const terms = termsOf("(eq,probableCause,'the host''s link, eno1, is down')");

      // Assess
      expect(terms[0]?.values).toEqual(["the host's link, eno1, is down"]);
    });
  });

  describe('malformed filters are refused with the problem named', () => {
    it('refuses an unknown operator, naming it and the operators there are', () => {
      // Act
      const problem = problemOf('(like,perceivedSeverity,CRITICAL)');

      // Assess
      expect(problem).toContain('unknown operator "like"');
      expect(problem).toContain('eq, neq, in, nin, gt, gte, lt, lte, cont, ncont');
    });

    it('refuses an attribute the resource does not have, naming it', () => {
      // Act
      const problem = problemOf('(eq,severity,CRITICAL)');

      // Assess
      expect(problem).toBe('the filter names an unknown attribute "severity"');
    });

    it('refuses an unknown nested attribute, naming it as written', () => {
      // Act
      const problem = problemOf('(eq,rootCauseFaultyResource/faultyResource/hostname,compute-1)');

      // Assess
      expect(problem).toContain('"rootCauseFaultyResource/faultyResource/hostname"');
    });

    it.each([
      ['no value', '(eq,perceivedSeverity)'],
      ['an empty value', '(eq,perceivedSeverity,)'],
      ['an empty value among others', '(in,perceivedSeverity,CRITICAL,,MAJOR)'],
    ])('refuses a term with %s', (_, filter) => {
      // Act
      const problem = problemOf(filter);

      // Assess
      expect(problem).toContain('needs a value');
    });

    it.each(['eq', 'neq', 'gt', 'gte', 'lt', 'lte'])('refuses two values for %s, which takes one', (op) => {
      // Act
      const problem = problemOf(`(${op},perceivedSeverity,CRITICAL,MAJOR)`);

      // Assess
      expect(problem).toContain(`${op} takes one value`);
    });

    it('refuses a filter that ends with ";"', () => {
      // Act
      const problem = problemOf('(eq,perceivedSeverity,CRITICAL);');

      // Assess
      expect(problem).toBe('the filter "(eq,perceivedSeverity,CRITICAL);" is malformed: it ends with ";"');
    });

    it.each([
      ['a term that is never closed', '(eq,perceivedSeverity,CRITICAL'],
      ['a quote that is never closed', "(eq,probableCause,'host down)"],
    ])('refuses %s', (_, filter) => {
      // Act
      const problem = problemOf(filter);

      // Assess
      expect(problem).toContain('a term is not closed with ")"');
    });

    it('refuses a term that does not start with "("', () => {
      // Act
      const problem = problemOf('eq,perceivedSeverity,CRITICAL');

      // Assess
      expect(problem).toContain('expected "(" at position 0');
    });

    it('refuses terms not separated by ";"', () => {
      // Act
      const problem = problemOf('(eq,perceivedSeverity,CRITICAL)(eq,eventType,QOS_ALARM)');

      // Assess
      expect(problem).toContain('expected ";" between terms');
    });

    it('refuses an empty filter', () => {
      // Act
      const problem = problemOf('');

      // Assess
      expect(problem).toContain('it is empty');
    });
  });
});

describe('Function: passesFilter (whether a resource passes every term)', () => {
  it.each([
    ['eq', '(eq,perceivedSeverity,MAJOR)', '(eq,perceivedSeverity,CRITICAL)'],
    ['neq', '(neq,perceivedSeverity,CRITICAL)', '(neq,perceivedSeverity,MAJOR)'],
    ['in', '(in,perceivedSeverity,CRITICAL,MAJOR)', '(in,perceivedSeverity,CRITICAL,MINOR)'],
    ['nin', '(nin,perceivedSeverity,CRITICAL,MINOR)', '(nin,perceivedSeverity,CRITICAL,MAJOR)'],
    ['cont', '(cont,probableCause,down)', '(cont,probableCause,disk)'],
    ['ncont', '(ncont,probableCause,disk)', '(ncont,probableCause,down)'],
    ['gt', '(gt,alarmRaisedTime,2026-03-01T09:59:59Z)', '(gt,alarmRaisedTime,2026-03-01T10:00:00.000Z)'],
    ['gte', '(gte,alarmRaisedTime,2026-03-01T10:00:00.000Z)', '(gte,alarmRaisedTime,2026-03-01T10:00:01Z)'],
    ['lt', '(lt,alarmRaisedTime,2026-03-01T10:00:01Z)', '(lt,alarmRaisedTime,2026-03-01T10:00:00.000Z)'],
    ['lte', '(lte,alarmRaisedTime,2026-03-01T10:00:00.000Z)', '(lte,alarmRaisedTime,2026-03-01T09:59:59Z)'],
  ])('%s: keeps the alarm that holds and drops the one that does not', (_, passing, failing) => {
    // Assess
    expect(passesFilter(shownAlarm, termsOf(passing))).toBe(true);
    expect(passesFilter(shownAlarm, termsOf(failing))).toBe(false);
  });

  it('needs every term to hold', () => {
    // Prepare
    const terms = termsOf('(eq,perceivedSeverity,MAJOR);(eq,eventType,QOS_ALARM)');

    // Assess
    expect(passesFilter(shownAlarm, terms)).toBe(false);
    expect(passesFilter(alarmWith({ eventType: 'QOS_ALARM' }), terms)).toBe(true);
  });

  it('follows a nested attribute', () => {
    // Assess
    expect(passesFilter(shownAlarm, termsOf('(eq,rootCauseFaultyResource/faultyResource/resourceId,compute-1)'))).toBe(
      true,
    );
    expect(passesFilter(shownAlarm, termsOf('(eq,rootCauseFaultyResource.faultyResource.resourceId,compute-2)'))).toBe(
      false,
    );
  });

  it('holds for an array attribute when any element holds', () => {
    // Prepare
    const alarm = alarmWith({ correlatedAlarmIds: ['h-1', 'a-7', 'a-9'] });

    // Assess
    expect(passesFilter(alarm, termsOf('(eq,correlatedAlarmIds,a-7)'))).toBe(true);
    expect(passesFilter(alarm, termsOf('(in,correlatedAlarmIds,x-1,a-9)'))).toBe(true);
    expect(passesFilter(alarm, termsOf('(eq,correlatedAlarmIds,x-1)'))).toBe(false);
  });

  it('holds a negative operator on an array attribute only when no element matches', () => {
    // Prepare
    const alarm = alarmWith({ correlatedAlarmIds: ['h-1', 'a-7'] });

    // Assess
    expect(passesFilter(alarm, termsOf('(neq,correlatedAlarmIds,a-7)'))).toBe(false);
    expect(passesFilter(alarm, termsOf('(neq,correlatedAlarmIds,x-1)'))).toBe(true);
    expect(passesFilter(alarm, termsOf('(nin,correlatedAlarmIds,x-1,h-1)'))).toBe(false);
  });

  it.each([
    ['eq', false],
    ['in', false],
    ['cont', false],
    ['gt', false],
    ['lte', false],
    ['neq', true],
    ['nin', true],
    ['ncont', true],
  ])('an absent attribute passes %s: %s (only the negative operators)', (op, passes) => {
    // Prepare: an unacknowledged alarm has no alarmAcknowledgedTime.
    const terms = termsOf(`(${op},alarmAcknowledgedTime,2026-03-01T10:00:00.000Z)`);

    // Assess
    expect(shownAlarm).not.toHaveProperty('alarmAcknowledgedTime');
    expect(passesFilter(shownAlarm, terms)).toBe(passes);
  });

  it('matches a boolean attribute by its JSON text', () => {
    // Assess
    expect(passesFilter(shownAlarm, termsOf('(eq,isRootCause,false)'))).toBe(true);
    expect(passesFilter(shownAlarm, termsOf('(eq,isRootCause,true)'))).toBe(false);
  });

  it('orders a number attribute as a number, not as text', () => {
    // Prepare
    const terms = termsOf('(gt,attempts,9)', new Set(['attempts']));

    // Assess
    expect(passesFilter({ attempts: 10 }, terms)).toBe(true);
    expect(passesFilter({ attempts: 8 }, terms)).toBe(false);
  });

  it('keeps every resource for no terms', () => {
    // Assess
    expect(passesFilter(shownAlarm, [])).toBe(true);
  });
});

describe('date-times, ordered as instants', () => {
  it('orders a date-time attribute as a time, whether or not the filter writes fractional seconds', () => {
    // Prepare: raised half a second after 10:00:00, as nfvi-doctor writes times (with milliseconds).
    const alarm = alarmWith({ alarmRaisedTime: '2026-03-01T10:00:00.500Z' });

    // Assess: compared as text, "...T10:00:00.500Z" sorts before "...T10:00:00Z" ("." < "Z").
    expect(passesFilter(alarm, termsOf('(gt,alarmRaisedTime,2026-03-01T10:00:00Z)'))).toBe(true);
    expect(passesFilter(alarm, termsOf('(lt,alarmRaisedTime,2026-03-01T10:00:00Z)'))).toBe(false);
  });

  it('orders a date-time attribute as a time when the filter gives a time zone offset', () => {
    // Prepare: 10:00Z is after 10:30+01:00 (09:30Z).
    const alarm = alarmWith({ alarmRaisedTime: '2026-03-01T10:00:00.000Z' });

    // Assess
    expect(passesFilter(alarm, termsOf('(gt,alarmRaisedTime,2026-03-01T10:30:00+01:00)'))).toBe(true);
  });
});
