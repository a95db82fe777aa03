export * from './util.js';
