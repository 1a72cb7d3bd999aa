import { loadArtifacts } from './compileContracts.js';

const started = performance.now();
const artifacts = loadArtifacts();
const names = Object.keys(artifacts).sort();
console.log(
  `compiled ${names.length} contracts in ${Math.round(performance.now() - started)} ms: ${names.join(', ')}`,
);
