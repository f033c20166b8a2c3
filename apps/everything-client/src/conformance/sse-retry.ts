import { connect } from './connect.js'

/**
 * `sse-retry` (SEP-1699): the referee answers `test_reconnection` on an SSE stream that carries
 * only a priming event (`id`, `retry: 500`) and then ends. The transport must treat that as
 * resumable: wait the `retry` delay, `GET` with `Last-Event-ID`, and take the result from there.
 * @see https://github.com/modelcontextprotocol/modelcontextprotocol/issues/1699
 */
export async function runSseRetry(url: URL): Promise<void> {
  const client = await connect(url)
  try {
    const { tools } = await client.listTools()
    if (!tools.some((tool) => tool.name === 'test_reconnection')) throw new Error('test_reconnection not listed')
    const result = await client.callTool({ name: 'test_reconnection', arguments: {} })
    if (result.isError) throw new Error(`test_reconnection failed: ${JSON.stringify(result.content)}`)
  } finally {
    await client.close()
  }
}
