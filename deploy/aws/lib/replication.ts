import { Stack } from 'aws-cdk-lib';
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Bucket, CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CATALOGUE_PREFIX, anyKeyArn, bucketArn, catalogueBucketName, catalogueKeyAlias, keyAliasArn, s3Service } from './names.js';
import { acknowledgeWildcard } from './nag.js';

export interface CatalogueReplicationProps {
  readonly name: string;
  readonly bucket: Bucket;
  readonly key: IKey;
  /** Each has a ReplicaStack, deployed first: S3 refuses a rule whose destination does not exist yet. */
  readonly regions: readonly string[];
}

/**
 * Copies `catalogue/` (never the inbox) to the replica bucket of each extra region, re-encrypted
 * there with that region's own key. Deletions (ingestion's garbage collection) are replicated as
 * delete markers, so a replica holds what the primary holds.
 */
export class CatalogueReplication extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: CatalogueReplicationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { bucket } = props;
    const alias = catalogueKeyAlias(props.name);
    // Built from names, not read from the bucket: the bucket's replication configuration names this role.
    const source = bucketArn(this, catalogueBucketName(this, props.name, stack.region));
    const destinations = props.regions.map((region) => ({ region, arn: bucketArn(this, catalogueBucketName(this, props.name, region)) }));
    this.role = new Role(this, 'Role', {
      roleName: `${props.name}-replication`,
      description: `S3 replication of ${CATALOGUE_PREFIX} to ${props.regions.join(', ')}`,
      assumedBy: new ServicePrincipal('s3.amazonaws.com').withConditions({ StringEquals: { 'aws:SourceAccount': stack.account } }),
      inlinePolicies: {
        replicate: new PolicyDocument({
          statements: [
            new PolicyStatement({
              sid: 'ReadReplicationConfiguration',
              actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
              resources: [source],
            }),
            new PolicyStatement({
              sid: 'ReadCatalogueVersions',
              actions: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
              resources: [`${source}/${CATALOGUE_PREFIX}*`],
            }),
            new PolicyStatement({
              sid: 'DecryptSourceThroughS3',
              actions: ['kms:Decrypt'],
              resources: [props.key.keyArn],
              conditions: { StringEquals: { 'kms:ViaService': s3Service(stack.region) } },
            }),
            new PolicyStatement({
              sid: 'WriteReplicas',
              actions: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
              resources: destinations.map((d) => `${d.arn}/${CATALOGUE_PREFIX}*`),
            }),
            // The replica keys' ids are random and live in other regions: they are named by their alias.
            ...destinations.map(
              (d) =>
                new PolicyStatement({
                  sid: `EncryptReplicaThroughS3${d.region.replace(/-/g, '')}`,
                  actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
                  resources: [anyKeyArn(this, d.region)],
                  conditions: {
                    StringEquals: { 'kms:ViaService': s3Service(d.region) },
                    'ForAnyValue:StringEquals': { 'kms:ResourceAliases': alias },
                  },
                }),
            ),
          ],
        }),
      },
    });
    acknowledgeWildcard(this.role, `${source}/${CATALOGUE_PREFIX}*`, 'Replication reads every object version under the prefix it copies.');
    for (const d of destinations) {
      acknowledgeWildcard(
        this.role,
        `${d.arn}/${CATALOGUE_PREFIX}*`,
        `Replication writes every object under ${CATALOGUE_PREFIX} of the ${d.region} replica.`,
      );
      acknowledgeWildcard(
        this.role,
        anyKeyArn(this, d.region),
        `Narrowed to the key aliased ${alias} by kms:ResourceAliases; its id is unknown here.`,
      );
    }
    (bucket.node.defaultChild as CfnBucket).replicationConfiguration = {
      role: this.role.roleArn,
      rules: destinations.map((d, i) => ({
        id: `catalogue-to-${d.region}`,
        priority: i,
        status: 'Enabled',
        filter: { prefix: CATALOGUE_PREFIX },
        deleteMarkerReplication: { status: 'Enabled' },
        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: 'Enabled' } },
        destination: {
          bucket: d.arn,
          // A key ARN or an alias ARN; the alias is the one name of the replica's key known here.
          encryptionConfiguration: { replicaKmsKeyId: keyAliasArn(this, d.region, alias) },
        },
      })),
    };
  }
}
