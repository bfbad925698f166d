#!/usr/bin/env -S node --conditions=source --import tsx
// Runs the TypeScript CLI directly (tsx). A prebuilt dist/ replaces this once releases are built.
import '../src/main.ts';
