/**
 * The entry of the startup snapshot (scripts/bundle.ts bundles it as one CommonJS file, scripts/snapshot.ts
 * makes the blob, scripts/cinedex.sh starts from it): `node --build-snapshot` runs this once, at build time,
 * and keeps the heap it leaves, so a start from the blob begins with these modules already evaluated instead
 * of compiling and running them (about a third of a restart's CPU at the seed's size, most of it Fastify's
 * and cinedex's HTTP layer, docs/investigations/restart.md, "A V8 startup snapshot").
 *
 * What runs here must leave no I/O behind and read nothing of the running process (its environment, argv,
 * cwd): that is why the command is built in runCli, at run time. Node's http modules cannot be in a snapshot,
 * nor can a package left to node_modules; the bundle's `require` stands in for them while building (see
 * scripts/bundle.ts), so a module that reads them as it loads fails the build rather than a start.
 */
import { startupSnapshot } from 'node:v8';
import { runCli } from './program.js';
// The modules `cinedex serve` imports when it runs, evaluated now: the blob holds them loaded.
import './commands/serve.js';
import '../http/server.js';

// A start from the blob has no script: argv is node and then the command's own words.
startupSnapshot.setDeserializeMainFunction(() => runCli([process.argv[0] ?? process.execPath, 'cinedex', ...process.argv.slice(1)]));
