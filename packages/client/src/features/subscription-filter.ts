import { hasCapability, type SubscriptionFilter } from '@plugboard/protocol'

/** The list-changed flags of a subscription filter, and the server capability each needs. */
export const FLAGS = { toolsListChanged: 'tools.listChanged', promptsListChanged: 'prompts.listChanged', resourcesListChanged: 'resources.listChanged' } as const
export type Flag = keyof typeof FLAGS

/** The part of `filter` a server with these capabilities sends, normalized. */
export function supported(filter: SubscriptionFilter, capabilities: Record<string, unknown> | undefined): SubscriptionFilter {
  const result: SubscriptionFilter = {}
  for (const flag of Object.keys(FLAGS) as Flag[]) if (filter[flag] && hasCapability(capabilities, FLAGS[flag])) result[flag] = true
  if (filter.resourceSubscriptions?.length && hasCapability(capabilities, 'resources.subscribe')) result.resourceSubscriptions = filter.resourceSubscriptions
  return normalize(result)
}

export function union(filters: SubscriptionFilter[]): SubscriptionFilter {
  const result: SubscriptionFilter = {}
  for (const filter of filters) {
    for (const flag of Object.keys(FLAGS) as Flag[]) if (filter[flag]) result[flag] = true
    if (filter.resourceSubscriptions) result.resourceSubscriptions = [...(result.resourceSubscriptions ?? []), ...filter.resourceSubscriptions]
  }
  return result
}

/** Only `true` flags, URIs sorted and unique: two filters asking the same compare equal. */
export function normalize(filter: SubscriptionFilter): SubscriptionFilter {
  const result: SubscriptionFilter = {}
  for (const flag of Object.keys(FLAGS) as Flag[]) if (filter[flag] === true) result[flag] = true
  if (filter.resourceSubscriptions?.length) result.resourceSubscriptions = [...new Set(filter.resourceSubscriptions)].sort()
  return result
}

export function intersect(asked: SubscriptionFilter, granted: SubscriptionFilter): SubscriptionFilter {
  const result: SubscriptionFilter = {}
  for (const flag of Object.keys(FLAGS) as Flag[]) if (asked[flag] && granted[flag]) result[flag] = true
  const uris = asked.resourceSubscriptions?.filter((uri) => granted.resourceSubscriptions?.includes(uri))
  if (uris?.length) result.resourceSubscriptions = uris
  return result
}

export const same = (a: SubscriptionFilter, b: SubscriptionFilter) => JSON.stringify(a) === JSON.stringify(b)
export const isEmpty = (filter: SubscriptionFilter) => Object.keys(filter).length === 0
