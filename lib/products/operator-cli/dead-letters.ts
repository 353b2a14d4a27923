import { Argument, Command } from 'commander';
import { DEAD_LETTER_KINDS, type DeadLetter, type DeadLetterKind } from '../../adapters/sqs/dead-letters';
import { withAws } from './aws-failure';
import { CliError, UsageError } from './cli-error';
import type { CommandKit } from './command-kit';
import { print, shortId, table, time } from './render';
import { readSettings } from './settings';

const kindArgument = () =>
  new Argument(
    '<kind>',
    'notifications (SNS gave up on a subscriber), events (on a rule target), invocations (Lambda)',
  ).choices(DEAD_LETTER_KINDS);

const letterTable = (letters: DeadLetter[]) =>
  letters.length === 0
    ? 'none'
    : table(
        ['kind', 'id', 'dead-lettered', 'target', 'reason'],
        letters.map((l) => [l.kind, shortId(l.id), time(l.sentAt), l.target, (l.reason ?? '').slice(0, 80)]),
      );

/** A message named by its full id or by the first characters the table shows. */
function find(letters: DeadLetter[], id: string): DeadLetter {
  const matches = letters.filter((l) => l.id === id || l.id.startsWith(id));
  if (matches.length === 1) return matches[0] as DeadLetter;
  if (matches.length === 0) throw new CliError(`no dead letter ${id}`);
  throw new UsageError(`${id} names ${matches.length} dead letters: give more of the id`);
}

/**
 * `nfvi-doctor dead-letters list|show|redrive`: what AWS gave up delivering (a notification
 * to a subscriber that stayed away, an event to a rule's target, an asynchronous invocation
 * whose retries ran out), read without removing it, and sent again once the cause is fixed.
 */
export function deadLettersCommand({ context, globals, output }: CommandKit): Command {
  const queues = (command: Command) => {
    const local = globals(command).local === true;
    const { stage } = readSettings(context.env, local, ['stage']);
    return { stage, queues: context.adapters.deadLetters({ stage, local }) };
  };
  const listOf = async (command: Command, kinds: readonly DeadLetterKind[]) => {
    const { stage, queues: q } = queues(command);
    const lists = await Promise.all(
      kinds.map((kind) => withAws(`the ${kind} dead-letter queue of stage ${stage}`, () => q.list(kind))),
    );
    return lists.flat();
  };

  const command = new Command('dead-letters').description(
    'what AWS gave up delivering: list, show and send it again (redrive)',
  );
  command
    .command('list')
    .description('every dead letter (of one kind, or all), left in its queue')
    .addArgument(kindArgument().argOptional())
    .action(async (kind: DeadLetterKind | undefined, _options, sub: Command) => {
      print(output(sub), await listOf(sub, kind ? [kind] : DEAD_LETTER_KINDS), letterTable);
    });
  command
    .command('show')
    .description('one dead letter: where it was going, why it was given up, and what it carried')
    .addArgument(kindArgument())
    .argument('<id>', 'its id (or the first characters the list shows)')
    .action(async (kind: DeadLetterKind, id: string, _options, sub: Command) => {
      const letter = find(await listOf(sub, [kind]), id);
      print(output(sub), letter, (l) =>
        [
          `${l.kind} ${l.id}, dead-lettered ${time(l.sentAt)}`,
          `target: ${l.target}`,
          `reason: ${l.reason ?? '-'}`,
          JSON.stringify(l.body, null, 2),
        ].join('\n'),
      );
    });
  command
    .command('redrive')
    .description('send dead letters again (the named ones, or --all of the kind) and remove each one sent')
    .addArgument(kindArgument())
    .argument('[ids...]', 'their ids (or the first characters the list shows)')
    .option('--all', 'every dead letter of the kind')
    .action(async (kind: DeadLetterKind, ids: string[], options: { all?: boolean }, sub: Command) => {
      if (options.all === true && ids.length > 0) throw new UsageError('name dead letters or give --all, not both');
      if (options.all !== true && ids.length === 0)
        throw new UsageError('name the dead letters to redrive, or give --all');
      const { stage, queues: q } = queues(sub);
      const what = `the ${kind} dead-letter queue of stage ${stage}`;
      const selected =
        options.all === true
          ? 'all'
          : await (async () => {
              const letters = await withAws(what, () => q.list(kind));
              return ids.map((id) => find(letters, id).id);
            })();
      const result = await withAws(what, () => q.redrive(kind, selected));
      print(output(sub), result, (r) =>
        [
          ...r.redriven.map((x) => `redriven ${shortId(x.id)} to ${x.to}`),
          ...r.missing.map((id) => `not redriven ${shortId(id)}: no longer in the queue (redriven or expired)`),
          `${r.redriven.length} redriven`,
        ].join('\n'),
      );
      if (result.missing.length > 0)
        throw new CliError(`${result.missing.length} of the dead letters named were not found`);
    });
  return command;
}
