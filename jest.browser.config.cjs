/**
 * The browser tests (test/browser): Debian's chromium driving the built web client. They run
 * after the rest (`npm test` runs both), one file at a time, since each holds two browsers.
 */
const base = require('./jest.config.cjs');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/browser'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
  testTimeout: 120000,
};
