import { destroyAwsClients } from '../../lib/aws/clients';

afterAll(() => destroyAwsClients());
