// `node import-time.mjs <specifier>`: prints how long `import()` of it took in this fresh process, in ms.
const started = performance.now()
await import(process.argv[2])
process.stdout.write(JSON.stringify({ importMs: performance.now() - started }) + '\n')
