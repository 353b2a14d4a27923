import { BmcCredentialsError, parseBmcCredentials } from '../../../../lib/adapters/bmc/bmc-credentials';

const PASSWORD = 'Sup3r-Secret-Pw';

/** The message parseBmcCredentials threw; fails the test if it parsed. */
function problemOf(secret: unknown): string {
  try {
    parseBmcCredentials(secret);
  } catch (error) {
    expect(error).toBeInstanceOf(BmcCredentialsError);
    return (error as Error).message;
  }
  throw new Error('expected the credentials to be refused');
}

describe('BMC credentials', () => {
  it('reads an IPMI and a Redfish BMC from the secret JSON, with the defaults filled in', () => {
    // Prepare
    const secret = JSON.stringify({
      hosts: {
        'compute-1': { kind: 'ipmi', address: '10.0.0.4', username: 'admin', password: PASSWORD },
        'compute-2': { kind: 'redfish', url: 'https://10.0.0.5', username: 'root', password: PASSWORD },
      },
    });

    // Act
    const credentials = parseBmcCredentials(secret);

    // Assess
    expect(credentials).toEqual({
      hosts: {
        'compute-1': {
          kind: 'ipmi',
          address: '10.0.0.4',
          port: 623,
          username: 'admin',
          password: PASSWORD,
          cipherSuite: 3,
          ipmitool: 'ipmitool',
        },
        'compute-2': {
          kind: 'redfish',
          url: 'https://10.0.0.5',
          username: 'root',
          password: PASSWORD,
          insecureTls: false,
        },
      },
    });
  });

  it('keeps what the secret sets: port, cipher suite, ipmitool path, system id, CA, insecure TLS', () => {
    // Prepare
    const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const secret = {
      hosts: {
        a: {
          kind: 'ipmi',
          address: 'bmc-a',
          port: 6230,
          username: 'u',
          password: PASSWORD,
          cipherSuite: 17,
          ipmitool: '/opt/ipmitool',
        },
        b: {
          kind: 'redfish',
          url: 'https://bmc-b:8443',
          username: 'u',
          password: PASSWORD,
          systemId: 'System.Embedded.1',
          caCertificate: ca,
          insecureTls: true,
        },
      },
    };

    // Act
    const { hosts } = parseBmcCredentials(secret);

    // Assess
    expect(hosts.a).toMatchObject({ port: 6230, cipherSuite: 17, ipmitool: '/opt/ipmitool' });
    expect(hosts.b).toMatchObject({ systemId: 'System.Embedded.1', caCertificate: ca, insecureTls: true });
  });

  it('names each bad host and field, and never shows a password', () => {
    // Prepare: a wrong type, a missing field, a misspelt field, an unknown kind, a plain-HTTP URL
    const secret = {
      hosts: {
        'compute-1': { kind: 'ipmi', address: '10.0.0.4', port: '623', username: 'admin', password: PASSWORD },
        'compute-2': { kind: 'ipmi', address: '10.0.0.6', password: PASSWORD },
        'compute-3': { kind: 'redfish', url: 'https://bmc', username: 'u', password: PASSWORD, insecureTLS: true },
        'compute-4': { kind: 'snmp', password: PASSWORD },
        'compute-5': { kind: 'redfish', url: 'http://bmc', username: 'u', password: PASSWORD },
      },
    };

    // Act
    const message = problemOf(secret);

    // Assess
    expect(message).toContain('host compute-1: port: Invalid input: expected number, received string');
    expect(message).toContain('host compute-2: username: Invalid input: expected string, received undefined');
    expect(message).toContain('host compute-3: Unrecognized key: "insecureTLS"');
    expect(message).toContain('host compute-4: kind:');
    expect(message).toContain('host compute-5: url: must be an https:// URL');
    expect(message).not.toContain(PASSWORD);
  });

  it('refuses a password given as a number or in the URL without showing it', () => {
    // Act
    const message = problemOf({
      hosts: {
        a: { kind: 'ipmi', address: 'x', username: 'u', password: 31337 },
        b: { kind: 'redfish', url: `https://root:${PASSWORD}@bmc`, username: 'root', password: PASSWORD },
      },
    });

    // Assess
    expect(message).toContain('host a: password: Invalid input: expected string, received number');
    expect(message).toContain('host b: url: must not hold credentials');
    expect(message).not.toContain('31337');
    expect(message).not.toContain(PASSWORD);
  });

  it('says where JSON that does not parse breaks, without quoting it (JSON.parse would quote the password)', () => {
    // Prepare: a missing quote right after the password
    const secret = `{"hosts": {"a": {"kind": "ipmi", "password": "${PASSWORD}, "address": "x"}}}`;

    // Act
    const message = problemOf(secret);

    // Assess
    expect(message).toMatch(/^invalid BMC credentials: not JSON \(at position \d+\)$/);
  });
});
