export * from './call-quality.commands.js';
export * from './call-quality.decide.js';
export * from './call-quality.decider.js';
export * from './call-quality.errors.js';
export * from './call-quality.events.js';
export * from './call-quality.state.js';
export * from './call-quality.values.js';
export * from './mos.js';
