import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { readSettings } from '../../../../lib/products/operator-cli/settings';
import { FakeEndpoint } from '../../adapters/openstack/fake-openstack';
import { CliHarness } from './cli-harness';

/** A URL on which nothing listens: a port just given back by the system. */
async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

const openrc = {
  NFVI_API_URL: 'https://api.example.net/prod',
  OS_AUTH_URL: 'https://keystone.example.net:5000/v3',
  OS_USERNAME: 'operator',
  OS_PASSWORD: 'secret',
  OS_PROJECT_NAME: 'admin',
};

describe('nfvi-doctor settings (the environment of an openrc file)', () => {
  it('calls the API as the openrc user, in the Default domains unless told otherwise', () => {
    expect(readSettings(openrc, false, ['api'])).toEqual({
      api: {
        apiUrl: 'https://api.example.net/prod',
        credentials: {
          kind: 'password',
          authUrl: 'https://keystone.example.net:5000/v3',
          username: 'operator',
          password: 'secret',
          projectName: 'admin',
          userDomainName: 'Default',
          projectDomainName: 'Default',
        },
      },
    });
  });

  it('takes the domains of the openrc', () => {
    const { api } = readSettings(
      { ...openrc, OS_USER_DOMAIN_NAME: 'operators', OS_PROJECT_DOMAIN_NAME: 'infra' },
      false,
      ['api'],
    );
    expect(api.credentials).toMatchObject({ userDomainName: 'operators', projectDomainName: 'infra' });
  });

  it('uses an application credential when one is set, and needs no user or project then', () => {
    const { api } = readSettings(
      {
        NFVI_API_URL: openrc.NFVI_API_URL,
        OS_AUTH_URL: openrc.OS_AUTH_URL,
        OS_APPLICATION_CREDENTIAL_ID: 'ac-1',
        OS_APPLICATION_CREDENTIAL_SECRET: 's3cret',
      },
      false,
      ['api'],
    );
    expect(api.credentials).toEqual({
      kind: 'application-credential',
      authUrl: 'https://keystone.example.net:5000/v3',
      id: 'ac-1',
      secret: 's3cret',
    });
  });

  it.each([
    ['https://keystone.example.net:5000', 'https://keystone.example.net:5000/v3'],
    ['https://keystone.example.net:5000/', 'https://keystone.example.net:5000/v3'],
    ['https://keystone.example.net/identity/v3/', 'https://keystone.example.net/identity/v3'],
  ])('finds Keystone v3 from OS_AUTH_URL %s', (authUrl, v3) => {
    expect(readSettings({ ...openrc, OS_AUTH_URL: authUrl }, false, ['api']).api.credentials.authUrl).toBe(v3);
  });

  it('needs NFVI_STAGE only for the commands that reach the bus or the tables', () => {
    expect(readSettings({ NFVI_STAGE: 'prod' }, false, ['stage'])).toEqual({ stage: 'prod' });
    expect(() => readSettings({}, false, ['stage'])).toThrow(/NFVI_STAGE: missing/);
  });

  it('names every missing setting at once, an empty one included', () => {
    expect(() => readSettings({ OS_AUTH_URL: openrc.OS_AUTH_URL, OS_PASSWORD: '' }, false, ['api', 'stage'])).toThrow(
      [
        'nfvi-doctor settings are incomplete (set them in the environment, as an openrc file does, or use --local for the local stack):',
        '  NFVI_API_URL: missing',
        '  OS_USERNAME: missing',
        '  OS_PASSWORD: missing',
        '  OS_PROJECT_NAME: missing',
        '  NFVI_STAGE: missing',
      ].join('\n'),
    );
  });

  it('names a setting that is not a URL', () => {
    expect(() => readSettings({ ...openrc, NFVI_API_URL: 'api.example.net' }, false, ['api'])).toThrow(
      /NFVI_API_URL: expected a URL/,
    );
  });

  it('names the missing secret of an application credential', () => {
    expect(() => readSettings({ ...openrc, OS_APPLICATION_CREDENTIAL_ID: 'ac-1' }, false, ['api'])).toThrow(
      /OS_APPLICATION_CREDENTIAL_SECRET: missing/,
    );
  });
});

describe('nfvi-doctor failures, as the operator reads them', () => {
  let cli: CliHarness;

  beforeEach(async () => {
    cli = await CliHarness.start();
  });

  afterEach(async () => {
    await cli.stop();
  });

  it('exits 1 naming the missing settings, before calling anything', async () => {
    // Act
    const result = await cli.run(['maintenance', 'list'], cli.env({ NFVI_API_URL: undefined, OS_PASSWORD: undefined }));

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('  NFVI_API_URL: missing\n  OS_PASSWORD: missing\n');
    expect(cli.keystone.requests).toEqual([]);
  });

  it('says the API cannot be reached when nothing listens at NFVI_API_URL', async () => {
    // Prepare
    const url = await closedUrl();

    // Act
    const result = await cli.run(['alarms'], cli.env({ NFVI_API_URL: url }));

    // Assess
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: cannot reach the nfvi-doctor API at ${url}: connection refused\n`,
    });
  });

  it('says Keystone cannot be reached when nothing listens at OS_AUTH_URL', async () => {
    // Prepare
    const url = await closedUrl();

    // Act
    const result = await cli.run(['alarms'], cli.env({ OS_AUTH_URL: `${url}/v3` }));

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error: cannot reach Keystone at ${url}/v3: connection refused\n`);
  });

  it('says Keystone refused the credentials, with its message', async () => {
    // Prepare
    const keystone = await FakeEndpoint.start(() => ({
      status: 401,
      body: {
        error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' },
      },
    }));

    try {
      // Act
      const result = await cli.run(['alarms'], cli.env({ OS_AUTH_URL: `${keystone.url}/v3` }));

      // Assess
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        'error: Keystone refused the credentials (401): The request you have made requires authentication.\n',
      );
      expect(cli.apiCalls).toEqual([]);
    } finally {
      await keystone.stop();
    }
  });

  it("shows the API Gateway's refusal of a token", async () => {
    // Prepare
    cli.answer(() => ({ status: 401, body: { message: 'Unauthorized' } }));

    // Act
    const result = await cli.run(['maintenance', 'list']);

    // Assess
    expect(result.stderr).toBe('error: the nfvi-doctor API answered 401: Unauthorized\n');
  });

  it('says the API failed on a 5xx, after retrying a read', async () => {
    // Prepare
    cli.answer(() => ({ status: 502, body: { message: 'Internal server error' } }));

    // Act
    const result = await cli.run(['maintenance', 'list']);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: the nfvi-doctor API failed (502): Internal server error\n');
    expect(cli.apiCalls).toHaveLength(3);
  });

  it('exits 2 on a command it does not know, and suggests the nearest one', async () => {
    // Act
    const result = await cli.run(['hostz']);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("error: unknown command 'hostz'\n(Did you mean hosts?)\n(add --help for usage)\n");
  });

  it('exits 0 for --help, the help on stdout', async () => {
    // Act
    const result = await cli.run(['--help']);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: nfvi-doctor [options] [command]');
    expect(result.stdout).toContain('OS_APPLICATION_CREDENTIAL_ID');
  });
});
