// The kube-scheduler configuration layer: types, upstream defaults and plugin merging, parsing
// with validation, presets, and the expansion of a profile into per-extension-point plugin lists.

export * from './defaults.js';
export * from './expand.js';
export * from './parse.js';
export * from './presets.js';
export * from './types.js';
