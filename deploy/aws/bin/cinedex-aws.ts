#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { defineStacks } from '../lib/cinedex-app.js';

const app = new App({ analyticsReporting: false });
defineStacks(app);
app.synth();
