import type { Tool } from '@plugboard/protocol'
import { describe, expect, it } from 'vitest'
import { headerParams, headerPaths } from './tool-headers.js'

const tool = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}): Tool => ({ name: 't', inputSchema: { type: 'object', properties, ...extra } })

describe('x-mcp-header annotations', () => {
  it('maps each header name to the path of properties keys leading to it, nested objects included', () => {
    const result = headerPaths(tool({ region: { type: 'string', 'x-mcp-header': 'Region' }, target: { type: 'object', properties: { id: { type: 'integer', 'x-mcp-header': 'Target-Id' } } }, q: { type: 'string' } }))
    expect(result).toEqual({ paths: new Map([['Region', ['region']], ['Target-Id', ['target', 'id']]]) })
  })

  it.each([
    ['an empty name', tool({ v: { type: 'string', 'x-mcp-header': '' } })],
    ['a name with a space', tool({ v: { type: 'string', 'x-mcp-header': 'My Region' } })],
    ['a name with a colon', tool({ v: { type: 'string', 'x-mcp-header': 'Region:Primary' } })],
    ['a non-ASCII name', tool({ v: { type: 'string', 'x-mcp-header': 'Région' } })],
    ['a control character', tool({ v: { type: 'string', 'x-mcp-header': 'Region\t1' } })],
    ['a name used twice, whatever the case', tool({ a: { type: 'string', 'x-mcp-header': 'MyField' }, b: { type: 'string', 'x-mcp-header': 'myfield' } })],
    ['a number', tool({ v: { type: 'number', 'x-mcp-header': 'Score' } })],
    ['an object', tool({ v: { type: 'object', 'x-mcp-header': 'Data' } })],
    ['an array', tool({ v: { type: 'array', items: { type: 'string' }, 'x-mcp-header': 'Items' } })],
    ['null', tool({ v: { type: 'null', 'x-mcp-header': 'Nil' } })],
    ['an annotation under items', tool({ v: { type: 'array', items: { type: 'string', 'x-mcp-header': 'Item' } } })],
    ['an annotation under anyOf', tool({}, { anyOf: [{ properties: { v: { type: 'string', 'x-mcp-header': 'V' } } }] })],
    ['an annotation in $defs', tool({ v: { $ref: '#/$defs/v' } }, { $defs: { v: { type: 'string', 'x-mcp-header': 'V' } } })],
  ])('makes a tool invalid: %s', (_, invalid) => {
    expect(headerPaths(invalid)).toEqual({ invalid: expect.any(String) })
  })

  it('takes each annotated value present in the arguments, leaving out absent and null ones', () => {
    const paths = new Map([
      ['Region', ['region']],
      ['Verbose', ['verbose']],
      ['Priority', ['priority']],
      ['Id', ['target', 'id']],
      ['Missing', ['missing']],
    ])
    expect(headerParams(paths, { region: 'us-west1', verbose: false, priority: null, target: { id: 7 }, query: 'SELECT 1' })).toEqual({ Region: 'us-west1', Verbose: false, Id: 7 })
    expect(headerParams(paths, {})).toBeUndefined()
  })
})
