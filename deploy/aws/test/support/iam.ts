import type { Template } from 'aws-cdk-lib/assertions';

/** A policy statement with its intrinsics resolved to plain ARNs and its lists always lists. */
export interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: unknown;
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
  readonly Condition?: Record<string, Record<string, unknown>>;
}

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

/**
 * Resolves the intrinsics a template's policies use into the ARNs AWS would see, from the
 * template's own resource names. Anything it does not know fails the test instead of matching by
 * accident.
 */
export class TemplateArns {
  private readonly resources: Record<string, Resource>;

  constructor(
    template: Template,
    private readonly account: string,
    private readonly region: string,
  ) {
    this.resources = (template.toJSON() as { Resources: Record<string, Resource> }).Resources;
  }

  resolve(value: unknown): string {
    if (typeof value === 'string') return value;
    const node = value as Record<string, unknown>;
    if (Array.isArray(node['Fn::Join'])) {
      const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
      return parts.map((part) => this.resolve(part)).join(separator);
    }
    if (Array.isArray(node['Fn::GetAtt'])) {
      const [id, attribute] = node['Fn::GetAtt'] as [string, string];
      if (attribute === 'Arn') return this.arnOf(id);
    }
    if (typeof node.Ref === 'string') {
      if (node.Ref === 'AWS::Partition') return 'aws';
      if (node.Ref === 'AWS::AccountId') return this.account;
      if (node.Ref === 'AWS::Region') return this.region;
      const resource = this.resource(node.Ref);
      if (resource.Type === 'AWS::S3::Bucket') return String(resource.Properties?.BucketName);
      // A queue's Ref is its URL.
      if (resource.Type === 'AWS::SQS::Queue')
        return `https://sqs.${this.region}.amazonaws.com/${this.account}/${this.resolve(resource.Properties?.QueueName)}`;
    }
    throw new Error(`cannot resolve ${JSON.stringify(value)}`);
  }

  private resource(id: string): Resource {
    const resource = this.resources[id];
    if (!resource) throw new Error(`no resource ${id} in the template`);
    return resource;
  }

  private arnOf(id: string): string {
    const { Type, Properties = {} } = this.resource(id);
    switch (Type) {
      case 'AWS::S3::Bucket':
        return `arn:aws:s3:::${this.resolve(Properties.BucketName)}`;
      case 'AWS::SQS::Queue':
        return `arn:aws:sqs:${this.region}:${this.account}:${this.resolve(Properties.QueueName)}`;
      case 'AWS::KMS::Key':
        return `arn:aws:kms:${this.region}:${this.account}:key/${id}`;
      case 'AWS::IAM::Role':
        return `arn:aws:iam::${this.account}:role/${this.resolve(Properties.RoleName)}`;
      default:
        throw new Error(`no ARN for ${Type} ${id}`);
    }
  }

  statement(raw: Record<string, unknown>): Statement {
    const list = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
    return {
      ...(raw.Sid ? { Sid: raw.Sid as string } : {}),
      Effect: raw.Effect as 'Allow' | 'Deny',
      ...(raw.Principal ? { Principal: raw.Principal } : {}),
      Action: list(raw.Action).map(String),
      Resource: list(raw.Resource).map((r) => this.resolve(r)),
      ...(raw.Condition ? { Condition: this.resolveDeep(raw.Condition) as Statement['Condition'] } : {}),
    };
  }

  private resolveDeep(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolveDeep(v));
    if (typeof value !== 'object' || value === null) return value;
    const node = value as Record<string, unknown>;
    if ('Fn::Join' in node || 'Fn::GetAtt' in node || 'Ref' in node) return this.resolve(node);
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, this.resolveDeep(v)]));
  }

  /**
   * Every permission a role has: its inline policies and any AWS::IAM::Policy attached to it. A
   * managed policy would be invisible here, so the role must have none.
   */
  roleStatements(roleName: string): Statement[] {
    const entry = Object.entries(this.resources).find(([, r]) => r.Type === 'AWS::IAM::Role' && r.Properties?.RoleName === roleName);
    if (!entry) throw new Error(`no role named ${roleName}`);
    const [id, role] = entry;
    if (role.Properties?.ManagedPolicyArns) throw new Error(`${roleName} has managed policies`);
    const inline = (role.Properties?.Policies as { PolicyDocument: { Statement: unknown[] } }[] | undefined) ?? [];
    const attached = Object.values(this.resources)
      .filter(
        (r) => r.Type === 'AWS::IAM::Policy' && (r.Properties?.Roles as unknown[]).some((ref) => (ref as { Ref?: string }).Ref === id),
      )
      .map((r) => r.Properties?.PolicyDocument as { Statement: unknown[] });
    return [...inline.map((p) => p.PolicyDocument), ...attached].flatMap((doc) =>
      doc.Statement.map((s) => this.statement(s as Record<string, unknown>)),
    );
  }

  trustOf(roleName: string): Statement[] {
    const role = Object.values(this.resources).find((r) => r.Type === 'AWS::IAM::Role' && r.Properties?.RoleName === roleName);
    if (!role) throw new Error(`no role named ${roleName}`);
    const doc = role.Properties?.AssumeRolePolicyDocument as { Statement: Record<string, unknown>[] };
    return doc.Statement.map((s) => this.statement(s));
  }

  /** The ARN of the template's one resource of a type (its key, its queue by name...). */
  arnOfOnly(type: string, where: (properties: Record<string, unknown>) => boolean = () => true): string {
    const ids = Object.entries(this.resources)
      .filter(([, r]) => r.Type === type && where(r.Properties ?? {}))
      .map(([id]) => id);
    if (ids.length !== 1) throw new Error(`${ids.length} resources of type ${type} match, expected one`);
    return this.arnOf(ids[0] as string);
  }

  roleNames(): string[] {
    return Object.values(this.resources)
      .filter((r) => r.Type === 'AWS::IAM::Role')
      .map((r) => String(r.Properties?.RoleName));
  }
}

function glob(pattern: string, caseInsensitive: boolean): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, caseInsensitive ? 'i' : '');
}

/**
 * Whether statements let `action` on `resource` through, by IAM's matching of actions (wildcards,
 * any case) and resources (wildcards). Conditions are taken as met, so an Allow counts whatever it
 * requires: "not allowed" from here holds in every request context. An explicit Deny wins.
 */
export function allows(statements: readonly Statement[], action: string, resource: string): boolean {
  const matches = (s: Statement) =>
    s.Action.some((a) => glob(a, true).test(action)) && s.Resource.some((r) => glob(r, false).test(resource));
  if (statements.some((s) => s.Effect === 'Deny' && matches(s) && !s.Condition)) return false;
  return statements.some((s) => s.Effect === 'Allow' && matches(s));
}
