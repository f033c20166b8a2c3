// A browser-minded consumer (the DOM lib): its WebCrypto keys go into the OAuth options as they are.
import { oauthProvider, dpopKey } from '@plugboard/auth/client'

export async function keys(): Promise<void> {
  const pair: CryptoKeyPair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])
  const key: CryptoKey = pair.privateKey
  oauthProvider({ dpop: pair, privateKey: key, client: { client_id: 'c' } })
  await dpopKey(pair)
}
