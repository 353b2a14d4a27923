import { Command } from 'commander';
import { alarmsCommand } from './alarms';
import { commandKit, type CliContext } from './command-kit';
import { deadLettersCommand } from './dead-letters';
import { hostsCommand } from './hosts';
import { injectCommand } from './inject';
import { maintenanceCommand } from './maintenance';
import { tailCommand } from './tail';
import { tenantsCommand } from './tenants';

/** The nfvi-doctor command line, its actions bound to the context; `exit` receives a command's exit code. */
export function cliProgram(context: CliContext, exit: (code: number) => void): Command {
  const program = new Command('nfvi-doctor')
    .description(
      'Operate nfvi-doctor: hosts, alarms, fault injection, planned maintenance, live notifications, dead letters, tenants.',
    )
    .option('--json', 'machine-readable output on stdout (errors stay on stderr)')
    .option(
      '--local',
      "the local stack of `npm start`: its API, the local OpenStack's admin and stage local, instead of the environment",
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
    })
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      `
Settings come from the environment, as an openrc file sets them for the openstack CLI:
  NFVI_API_URL            the stage's API base URL (API Gateway, or a custom domain)
  OS_AUTH_URL             Keystone (with or without /v3)
  OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME, OS_USER_DOMAIN_NAME, OS_PROJECT_DOMAIN_NAME ("Default")
    or OS_APPLICATION_CREDENTIAL_ID, OS_APPLICATION_CREDENTIAL_SECRET
  NFVI_STAGE              the stage (hosts, inject, dead-letters, tenants), with the usual AWS variables (AWS_REGION, AWS_PROFILE, ...)`,
    );

  const kit = commandKit(context, exit);
  for (const command of [
    hostsCommand(kit),
    alarmsCommand(kit),
    injectCommand(kit),
    maintenanceCommand(kit),
    tailCommand(kit),
    deadLettersCommand(kit),
    tenantsCommand(kit),
  ]) {
    program.addCommand(withSettingsOf(program, command));
  }
  return program;
}

/**
 * A command made apart, as `parent.command()` would have made it: with the parent's output, exit and
 * help settings (errors thrown, not `process.exit`), passed on to its own subcommands.
 */
function withSettingsOf(parent: Command, command: Command): Command {
  command.copyInheritedSettings(parent);
  for (const subcommand of command.commands) withSettingsOf(command, subcommand);
  return command;
}
