export {
  type CreateWidgetSessionOptions,
  createWidgetSession,
  type WidgetSession,
  type WidgetSessionClaims,
  type WidgetSessionConnection,
} from './create-widget-session';
export {
  createWidgetSessionHandler,
  type FetchWidgetSessionHandler,
} from './fetch-widget-session-handler';
export {
  createNodeWidgetSessionHandler,
  type NodeWidgetSessionHandler,
} from './node-widget-session-handler';
export type { WidgetSessionHandlerOptions } from './widget-session-handler-options';
