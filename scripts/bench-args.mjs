// Splits `npm run bench` arguments into benchmark names and the options every
// named benchmark gets: `matrix -- --target raft-kv --runs 10` (npm passes the
// second `--` through) or `matrix --target raft-kv`. Names are the words before
// the first `--` or the first option; everything after goes to the benchmarks,
// option values included.
export function splitBenchArgs(args) {
  const sep = args.indexOf('--')
  const firstOption = args.findIndex((a) => a.startsWith('-'))
  const end = sep !== -1 ? sep : firstOption !== -1 ? firstOption : args.length
  return { names: args.slice(0, end), options: args.slice(sep !== -1 ? sep + 1 : end) }
}
