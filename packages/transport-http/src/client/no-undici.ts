// What `#undici` resolves to without the `node` condition (Workers, Deno, Bun and browser bundles):
// no undici, so the client transports use `fetch`. See loadAgent() in http.ts.
export const Agent = undefined
