import type { App } from 'aws-cdk-lib';
import { CatalogueStack } from './catalogue-stack.js';
import { checkAwsSolutions } from './nag.js';
import { ReplicaStack } from './replica-stack.js';
import { settingsFrom, type Settings } from './settings.js';

export interface CinedexStacks {
  readonly settings: Settings;
  readonly primary: CatalogueStack;
  readonly replicas: readonly ReplicaStack[];
}

/** Every stack the app's context asks for, checked by cdk-nag's AWS Solutions pack. */
export function defineStacks(app: App): CinedexStacks {
  const settings = settingsFrom(app.node);
  // Stack ids are what `cdk deploy <id>` selects: the primary's is its CloudFormation name.
  const primary = new CatalogueStack(app, `${settings.name}-catalogue`, settings);
  const replicas = settings.replicas.map((replica) => {
    const stack = new ReplicaStack(app, `${settings.name}-catalogue-replica-${replica.region}`, settings, replica);
    // `cdk deploy --all` creates the replica buckets first: S3 refuses a replication rule to a bucket that does not exist.
    primary.addStackDependency(stack, 'replication destination');
    return stack;
  });
  checkAwsSolutions(app);
  return { settings, primary, replicas };
}
