/**
 * Evaluates a packaged CloudFormation template's intrinsic functions as CloudFormation would
 * for one account and region, for the functions and resources nfvi-doctor's templates use:
 * enough to turn the roles' policies into the documents IAM would evaluate.
 */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, any>;
  Condition?: string;
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Conditions?: Record<string, unknown>;
  Outputs?: Record<string, unknown>;
}

export interface Where {
  region: string;
  account: string;
  /** The customer-managed KMS key the stage encrypts its topics and queues with, if any. */
  customerKey?: string;
}

type Value = unknown;

/** AWS::NoValue: removed from the list or the object it is in, as CloudFormation removes it. */
const NO_VALUE = '\u0000AWS::NoValue';
const present = (v: Value) => v !== NO_VALUE;

export class TemplateValues {
  constructor(
    readonly template: CfnTemplate,
    readonly where: Where,
  ) {}

  /** The value with every intrinsic function evaluated. */
  resolve(value: Value): Value {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v)).filter(present);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, Value>);
    if (entries.length === 1) {
      const [fn, arg] = entries[0] as [string, Value];
      switch (fn) {
        case 'Ref':
          return this.ref(arg as string);
        case 'Fn::GetAtt': {
          const [id, attribute] = Array.isArray(arg) ? (arg as string[]) : (arg as string).split(/\.(.*)/);
          return this.attribute(id as string, attribute as string);
        }
        case 'Fn::Sub':
          return this.sub(arg);
        case 'Fn::Join': {
          const [separator, list] = arg as [string, Value];
          return (this.resolve(list) as string[]).join(separator);
        }
        case 'Fn::Split': {
          const [separator, text] = arg as [string, Value];
          return String(this.resolve(text)).split(separator);
        }
        case 'Fn::Select': {
          const [index, list] = arg as [Value, Value];
          return (this.resolve(list) as Value[])[Number(this.resolve(index))];
        }
        case 'Fn::If': {
          const [condition, whenTrue, whenFalse] = arg as [string, Value, Value];
          return this.resolve(this.condition(condition) ? whenTrue : whenFalse);
        }
      }
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v)]).filter(([, v]) => present(v)));
  }

  /** Whether a named condition of the template holds. */
  condition(name: string): boolean {
    const definition = this.template.Conditions?.[name];
    if (definition === undefined) throw new Error(`the template has no condition ${name}`);
    return this.truth(definition);
  }

  /** Whether a resource exists in this evaluation (it has no condition, or its condition holds). */
  exists(id: string): boolean {
    const condition = this.template.Resources[id]?.Condition;
    return condition === undefined || this.condition(condition);
  }

  private truth(expression: Value): boolean {
    const [fn, arg] = Object.entries(expression as Record<string, Value>)[0] as [string, Value[]];
    switch (fn) {
      case 'Fn::Equals':
        return JSON.stringify(this.resolve(arg[0])) === JSON.stringify(this.resolve(arg[1]));
      case 'Fn::Not':
        return !this.truth(arg[0]);
      case 'Fn::And':
        return arg.every((a) => this.truth(a));
      case 'Fn::Or':
        return arg.some((a) => this.truth(a));
      case 'Condition':
        return this.condition(arg as unknown as string);
      default:
        throw new Error(`condition function ${fn} is not evaluated`);
    }
  }

  private sub(arg: Value): string {
    const [text, variables] = Array.isArray(arg) ? (arg as [string, Record<string, Value>]) : [arg as string, {}];
    return text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
      if (name in variables) return String(this.resolve(variables[name]));
      const [id, attribute] = name.split(/\.(.*)/) as [string, string | undefined];
      return String(attribute ? this.attribute(id, attribute) : this.ref(id));
    });
  }

  private resource(id: string): CfnResource {
    const resource = this.template.Resources[id];
    if (!resource) throw new Error(`the template has no resource ${id}`);
    return resource;
  }

  private arn(service: string, rest: string, regional = true): string {
    return `arn:aws:${service}:${regional ? this.where.region : ''}:${this.where.account}:${rest}`;
  }

  private ref(id: string): string {
    switch (id) {
      case 'AWS::Region':
        return this.where.region;
      case 'AWS::AccountId':
        return this.where.account;
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return 'nfvi-doctor-stack';
      case 'AWS::NoValue':
        return NO_VALUE;
    }
    const resource = this.resource(id);
    const p = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table':
        return String(this.resolve(p.TableName));
      case 'AWS::SNS::Topic':
        return this.arn('sns', String(this.resolve(p.TopicName)));
      case 'AWS::SQS::Queue':
        return `https://sqs.${this.where.region}.amazonaws.com/${this.where.account}/${String(this.resolve(p.QueueName))}`;
      case 'AWS::Events::EventBus':
        return String(this.resolve(p.Name));
      case 'AWS::IAM::ManagedPolicy':
        return this.arn('iam', `policy/${String(this.resolve(p.ManagedPolicyName ?? id))}`, false);
      case 'AWS::IAM::Role':
        return String(this.resolve(p.RoleName ?? id));
      case 'AWS::KMS::Key':
        return `key-${id}`;
      case 'AWS::Lambda::Function':
        return String(this.resolve(p.FunctionName ?? id));
      default:
        return id;
    }
  }

  private attribute(id: string, attribute: string): string {
    const resource = this.resource(id);
    const p = resource.Properties ?? {};
    const key = `${resource.Type}.${attribute}`;
    switch (key) {
      case 'AWS::DynamoDB::Table.Arn':
        return this.arn('dynamodb', `table/${this.ref(id)}`);
      case 'AWS::SQS::Queue.Arn':
        return this.arn('sqs', String(this.resolve(p.QueueName)));
      case 'AWS::SQS::Queue.QueueName':
        return String(this.resolve(p.QueueName));
      case 'AWS::Events::EventBus.Arn':
        return this.arn('events', `event-bus/${this.ref(id)}`);
      case 'AWS::Events::EventBus.Name':
        return this.ref(id);
      case 'AWS::SNS::Topic.TopicArn':
        return this.ref(id);
      case 'AWS::SNS::Topic.TopicName':
        return String(this.resolve(p.TopicName));
      case 'AWS::KMS::Key.Arn':
        return this.arn('kms', `key/${this.ref(id)}`);
      case 'AWS::KMS::Key.KeyId':
        return this.ref(id);
      case 'AWS::IAM::Role.Arn':
        return this.arn('iam', `role/${this.ref(id)}`, false);
      case 'AWS::Lambda::Function.Arn':
        return this.arn('lambda', `function:${this.ref(id)}`);
      default:
        return `${id}.${attribute}`;
    }
  }
}
