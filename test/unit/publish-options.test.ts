import { strict as assert } from 'node:assert'
import { describe, it } from 'node:test'
import { parseHeadlessOptions } from '../../src/main/headless-options'

const KEY = 'xb54g1f3iedpimo7ofa83y5xfnrbp5utgdm8ow4dmezo3qzdkpty'
const READ_KEY = 'ybndrfg8ejkmcpqxot1uwisza345h769ybndrfg8ejkmcpqxot1u'

describe('npm run serve -- --publish', () => {
  it('takes keys and links, private ones with their read key, as often as given', () => {
    const link = `hyper://${KEY}/#encryptionKey=${READ_KEY}`
    assert.deepEqual(parseHeadlessOptions(['--publish', KEY, '--publish', link]).publish, [KEY, link])
    assert.deepEqual(parseHeadlessOptions([]).publish, [])
  })

  it('refuses what is not a journal key or link, saying what one looks like', () => {
    assert.throws(() => parseHeadlessOptions(['--publish', '../../etc']), /Not a journal key or link: \.\.\/\.\.\/etc\nA journal key is/)
  })
})
