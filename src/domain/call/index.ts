export * from './call.commands.js';
export * from './call.decide.js';
export * from './call.decider.js';
export * from './call.errors.js';
export * from './call.events.js';
export * from './call.state.js';
export * from './call.values.js';
export * from './parse-call-event.js';
