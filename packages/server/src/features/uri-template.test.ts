import { describe, expect, it } from 'vitest'
import { UriTemplate } from './uri-template.js'

// RFC 6570 §3.2 variables (the associative `keys` is not supported and left out).
const rfc = {
  count: ['one', 'two', 'three'],
  dom: ['example', 'com'],
  dub: 'me/too',
  hello: 'Hello World!',
  half: '50%',
  var: 'value',
  who: 'fred',
  base: 'http://example.com/home/',
  path: '/foo/bar',
  list: ['red', 'green', 'blue'],
  v: '6',
  x: '1024',
  y: '768',
  empty: '',
  empty_keys: [],
  undef: undefined,
}

const expand = (template: string) => new UriTemplate(template).expand(rfc)

describe('UriTemplate.expand', () => {
  // Each row: [template, expected], straight from the RFC's level tables (§1.2) and §3.2.
  const cases: Record<string, Array<[string, string]>> = {
    'level 1, simple (§3.2.2)': [
      ['{var}', 'value'], ['{hello}', 'Hello%20World%21'], ['{half}', '50%25'], ['O{empty}X', 'OX'], ['O{undef}X', 'OX'],
      ['{x,y}', '1024,768'], ['{x,hello,y}', '1024,Hello%20World%21,768'], ['?{x,empty}', '?1024,'], ['?{x,undef}', '?1024'],
      ['?{undef,y}', '?768'], ['map?{x,y}', 'map?1024,768'], ['{base}index', 'http%3A%2F%2Fexample.com%2Fhome%2Findex'],
    ],
    'level 2, reserved (§3.2.3)': [
      ['{+var}', 'value'], ['{+hello}', 'Hello%20World!'], ['{+half}', '50%25'], ['{+base}index', 'http://example.com/home/index'],
      ['O{+empty}X', 'OX'], ['O{+undef}X', 'OX'], ['{+path}/here', '/foo/bar/here'], ['here?ref={+path}', 'here?ref=/foo/bar'],
      ['up{+path}{var}/here', 'up/foo/barvalue/here'], ['{+x,hello,y}', '1024,Hello%20World!,768'], ['{+path,x}/here', '/foo/bar,1024/here'],
    ],
    'level 2, fragment (§3.2.4)': [
      ['{#var}', '#value'], ['X{#hello}', 'X#Hello%20World!'], ['{#half}', '#50%25'], ['foo{#empty}', 'foo#'], ['foo{#undef}', 'foo'],
      ['{#x,hello,y}', '#1024,Hello%20World!,768'], ['{#path,x}/here', '#/foo/bar,1024/here'],
    ],
    'level 3, label (§3.2.5)': [
      ['{.who}', '.fred'], ['{.who,who}', '.fred.fred'], ['{.half,who}', '.50%25.fred'], ['X{.var}', 'X.value'], ['X{.x,y}', 'X.1024.768'],
      ['X{.empty}', 'X.'], ['X{.undef}', 'X'],
    ],
    'level 3, path (§3.2.6)': [
      ['{/who}', '/fred'], ['{/who,who}', '/fred/fred'], ['{/half,who}', '/50%25/fred'], ['{/who,dub}', '/fred/me%2Ftoo'],
      ['{/var}', '/value'], ['{/var,empty}', '/value/'], ['{/var,undef}', '/value'], ['{/var,x}/here', '/value/1024/here'],
    ],
    'level 3, path-style parameters (§3.2.7)': [
      ['{;who}', ';who=fred'], ['{;half}', ';half=50%25'], ['{;empty}', ';empty'], ['{;v,empty,who}', ';v=6;empty;who=fred'],
      ['{;v,bar,who}', ';v=6;who=fred'], ['{;x,y}', ';x=1024;y=768'], ['{;x,y,empty}', ';x=1024;y=768;empty'], ['{;x,y,undef}', ';x=1024;y=768'],
    ],
    'level 3, query and continuation (§3.2.8–9)': [
      ['{?who}', '?who=fred'], ['{?half}', '?half=50%25'], ['{?x,y}', '?x=1024&y=768'], ['{?x,y,empty}', '?x=1024&y=768&empty='],
      ['{?x,y,undef}', '?x=1024&y=768'], ['{&who}', '&who=fred'], ['{&half}', '&half=50%25'], ['?fixed=yes{&x}', '?fixed=yes&x=1024'],
      ['{&x,y,empty}', '&x=1024&y=768&empty='],
    ],
    'level 4, prefix and explode': [
      ['{var:3}', 'val'], ['{var:30}', 'value'], ['{list}', 'red,green,blue'], ['{list*}', 'red,green,blue'], ['{count*}', 'one,two,three'],
      ['{+path:6}/here', '/foo/b/here'], ['{+list}', 'red,green,blue'], ['{+list*}', 'red,green,blue'], ['{#path:6}/here', '#/foo/b/here'],
      ['{#list}', '#red,green,blue'], ['{#list*}', '#red,green,blue'], ['X{.var:3}', 'X.val'], ['X{.list}', 'X.red,green,blue'],
      ['X{.list*}', 'X.red.green.blue'], ['www{.dom*}', 'www.example.com'], ['{/var:1,var}', '/v/value'], ['{/list}', '/red,green,blue'],
      ['{/list*}', '/red/green/blue'], ['{/count*}', '/one/two/three'], ['{/list*,path:4}', '/red/green/blue/%2Ffoo'], ['{;hello:5}', ';hello=Hello'],
      ['{;list}', ';list=red,green,blue'], ['{;list*}', ';list=red;list=green;list=blue'], ['{?var:3}', '?var=val'],
      ['{?list}', '?list=red,green,blue'], ['{?list*}', '?list=red&list=green&list=blue'], ['{&var:3}', '&var=val'],
      ['{&list}', '&list=red,green,blue'], ['{&list*}', '&list=red&list=green&list=blue'], ['X{.empty_keys}', 'X'],
    ],
  }
  for (const [level, rows] of Object.entries(cases)) {
    it(`expands the RFC 6570 examples for ${level}`, () => {
      for (const [template, expected] of rows) expect([template, expand(template)]).toEqual([template, expected])
    })
  }

  it('encodes UTF-8, keeps pct-encoded triplets only in reserved expansion, and replaces lone surrogates', () => {
    const t = new UriTemplate('{a}|{+a}')
    expect(t.expand({ a: 'é😀 %41%zz' })).toBe('%C3%A9%F0%9F%98%80%20%2541%25zz%7C%C3%A9%F0%9F%98%80%20%41%25zz')
    expect(new UriTemplate('{a}').expand({ a: 'x\uD800y' })).toBe('x%EF%BF%BDy')
    expect(new UriTemplate('{a}').expand({ a: "!'()*" })).toBe('%21%27%28%29%2A')
  })

  it('counts a prefix in characters, not UTF-16 units', () => {
    expect(new UriTemplate('{a:2}').expand({ a: '😀😀😀' })).toBe('%F0%9F%98%80%F0%9F%98%80')
  })

  it('does not read variables from Object.prototype', () => {
    expect(new UriTemplate('x{constructor}{?toString}').expand({})).toBe('x')
  })
})

describe('UriTemplate.match', () => {
  it('routes a resource URI and decodes its values', () => {
    const t = new UriTemplate('users://{id}/posts/{slug}')
    expect(t.match('users://42/posts/hello%20world')).toEqual({ id: '42', slug: 'hello world' })
  })

  it('does not let a simple variable cross a "/", but lets {+var} do so', () => {
    expect(new UriTemplate('files://{name}').match('files://a/b')).toBeUndefined()
    expect(new UriTemplate('files://{+path}').match('files://a/b/c.txt')).toEqual({ path: 'a/b/c.txt' })
    expect(new UriTemplate('{+base}/{file}').match('a/b/c')).toEqual({ base: 'a/b', file: 'c' })
  })

  it('anchors at both ends', () => {
    const t = new UriTemplate('res://{id}')
    expect(t.match('xres://1')).toBeUndefined()
    expect(t.match('res://1/extra')).toBeUndefined()
    expect(new UriTemplate('res://{id}.json').match('res://1.json.bak')).toBeUndefined()
  })

  it('requires a non-empty value for a simple variable', () => {
    expect(new UriTemplate('users/{id}').match('users/')).toBeUndefined()
  })

  it('accepts query parameters in any order, absent, repeated for explode, and ignores unknown ones', () => {
    const t = new UriTemplate('search://items{?q,limit}{&tag*}')
    expect(t.match('search://items?limit=10&q=a%26b&tag=x&tag=y&utm=1')).toEqual({ q: 'a&b', limit: '10', tag: ['x', 'y'] })
    expect(t.match('search://items')).toEqual({})
    expect(t.match('search://items?limit=')).toEqual({ limit: '' })
    expect(t.match('search://other')).toBeUndefined()
  })

  it('matches fragment, label, path and path-style expressions', () => {
    expect(new UriTemplate('doc://x{#section}').match('doc://x#a/b,c')).toEqual({ section: 'a/b,c' })
    expect(new UriTemplate('file://{name}{.ext}').match('file://report.pdf')).toEqual({ name: 'report', ext: 'pdf' })
    expect(new UriTemplate('repo://r{/segments*}').match('repo://r/a/b%2Fc')).toEqual({ segments: ['a', 'b/c'] })
    expect(new UriTemplate('m://x{;a,b}').match('m://x;a=1;b')).toEqual({ a: '1', b: '' })
    expect(new UriTemplate('m://x{;list*}').match('m://x;list=1;list=2')).toEqual({ list: ['1', '2'] })
  })

  it('leaves trailing optional variables out when absent', () => {
    const t = new UriTemplate('p://x{/a,b}')
    expect(t.match('p://x/1/2')).toEqual({ a: '1', b: '2' })
    expect(t.match('p://x/1')).toEqual({ a: '1' })
    expect(t.match('p://x')).toEqual({})
  })

  it('keeps a malformed percent sequence as written', () => {
    expect(new UriTemplate('r://{id}').match('r://a%zz%E9%41')).toEqual({ id: 'a%zz%E9%41' })
  })

  it('gives a null-prototype result, so a variable named __proto__ is just a key', () => {
    expect(new UriTemplate('r://{__proto__}').match('r://x')?.['__proto__']).toBe('x')
  })

  it.each([
    ['users://{id}/posts/{slug}{?limit,cursor}', { id: 'ü&1', slug: 'a b/c', limit: '10' }],
    ['file:///{+path}{#frag}', { path: 'dir/sub dir/file.txt', frag: 'f,g' }],
    ['repo://{owner}{/segs*}{?tag*}', { owner: 'me', segs: ['x', 'y z', 'a%b'], tag: ['1', '2'] }],
    ['x://{name}{.ext}', { name: 'report', ext: 'pdf' }],
    ['m://x{;a,b}{&c}', { a: '1', b: 'two words', c: '=' }],
    ['s://{a:3}-{b}', { a: 'abc', b: '你好' }],
  ])('round-trips expand → match for %s', (template, vars) => {
    const t = new UriTemplate(template)
    expect(t.match(t.expand(vars))).toEqual(vars)
  })

  it('refuses URIs over 64 KiB and stays linear on pathological input', () => {
    expect(new UriTemplate('{+all}').match('a'.repeat(64 * 1024 + 1))).toBeUndefined()
    // A backtracking regex for these takes seconds to fail; the VM's work grows with length × template.
    const dots = '.'.repeat(64 * 1024 - 1)
    expect(new UriTemplate('{a}.{b}').match(`${dots}/`)).toBeUndefined()
    expect(new UriTemplate('{+a}{+b}{+c}x').match('a'.repeat(64 * 1024))).toBeUndefined()
  })
})

describe('new UriTemplate', () => {
  it.each([
    ['{unclosed', /unclosed "\{"/],
    ['stray}', /"\}" without "\{"/],
    ['{}', /empty expression/],
    ['{a{b}}', /nested/],
    ['{=x}', /reserved for future/],
    ['{a b}', /invalid variable "a b"/],
    ['{a:0}', /invalid variable/],
    ['{a:10000}', /invalid variable/],
    ['{a,}', /invalid variable ""/],
    ['{.a..b}', /invalid variable/],
  ])('rejects %s', (template, message) => {
    expect(() => new UriTemplate(template)).toThrow(message)
  })

  it('rejects oversized templates', () => {
    expect(() => new UriTemplate('a'.repeat(8 * 1024 + 1))).toThrow(/longer than/)
    expect(() => new UriTemplate('{a}'.repeat(257))).toThrow(/more than 256 expressions/)
  })

  it('lists variable names once each and prints the template as written', () => {
    const t = new UriTemplate('x{/a,b}{?a,c*}{d:3}')
    expect(t.variableNames).toEqual(['a', 'b', 'c', 'd'])
    expect(String(t)).toBe('x{/a,b}{?a,c*}{d:3}')
  })
})
