export {
  loadConfig,
  parseConfig,
  defaultConfigPaths,
  resolveConfigPath,
  ConfigError,
  type HostConfig,
  type ServerConfig,
  type StdioServerConfig,
  type HttpServerConfig,
  type OAuthServerConfig,
  type ParseConfigOptions,
  type LoadConfigOptions,
} from './config.js'
export type { ConfigInput, PromptStringInput, PickStringInput, InputPrompt } from './inputs.js'
export { defaultTokenStorePath, type AuthorizationOptions } from './authorization.js'
export {
  ServerManager,
  createTransport,
  DEFAULT_RESTART,
  type ServerManagerOptions,
  type ServerManagerEvents,
  type ServerState,
  type ServerStatus,
  type RestartOptions,
} from './manager.js'
export {
  Catalog,
  namespacedName,
  MAX_NAME_LENGTH,
  type CatalogTool,
  type CatalogPrompt,
  type CatalogResource,
  type CatalogTemplate,
  type CatalogKind,
  type CatalogEvents,
} from './catalog.js'
export { TaskList, type HostTask, type TaskListEvents, type TaskStart } from './task-list.js'
export {
  ConsentPolicy,
  ConsentStore,
  decideConsent,
  matchesToolGlob,
  describeAnnotations,
  deniedResult,
  type ConsentPolicyConfig,
  type ConsentPolicyOptions,
  type ConsentRequest,
  type ConsentDecision,
  type ConsentVerdict,
  type ConsentAnswer,
  type ConsentPrompt,
  type ConsentOutcome,
  type AnnotationDescription,
  type RememberedTool,
} from './consent.js'
export {
  SamplingPolicy,
  chooseModel,
  DEFAULT_SAMPLING_RATE_LIMIT,
  type SamplingPolicyOptions,
  type RateLimit,
  type RateDecision,
  type ModelProfile,
  type ModelChoice,
} from './sampling.js'
