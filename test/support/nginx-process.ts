/**
 * The tests' nginx: the same launcher as the capacity benchmark's (bench/nginx-process.ts), so the file
 * the tests prove is the one the benchmark measures.
 */
export { edgeNginxConf, nginxBinary, startNginxEdge, type NginxEdge } from '../../bench/nginx-process.js';
