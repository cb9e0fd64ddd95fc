#!/usr/bin/env node
import module from 'node:module';
import { runCli } from './program.js';

/**
 * V8's compile cache (Node >= 22.1; absent on Node 20, where this does nothing): the subcommand's modules,
 * imported below once this has run, are read compiled from the cache instead of compiled again, about a
 * tenth of a restart's CPU. NODE_COMPILE_CACHE names the folder (the image fills one at build time), else
 * the system's temp dir; NODE_DISABLE_COMPILE_CACHE=1 turns it off. A folder it cannot write only costs the cache.
 * Node keeps each uid's cache in a folder of its own: one filled by another user is not read (see the Dockerfile).
 */
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

runCli(process.argv);
