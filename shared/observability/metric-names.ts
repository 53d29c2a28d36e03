/**
 * The names the functions publish metrics under and the alarms read them by: one place, so a rename
 * cannot leave an alarm watching a metric nobody emits. Plain constants, safe to import from infra/.
 */

/** The CloudWatch namespace of every floorpass metric (POWERTOOLS_METRICS_NAMESPACE says the same). */
export const METRICS_NAMESPACE = 'floorpass';

/** The `service` dimension Powertools adds to every metric. */
export const METRICS_SERVICE = 'floorpass';

/** A default dimension: the event id, so events deployed in one account and Region keep apart. */
export const EVENT_DIMENSION = 'event';

/** Chime control-plane calls answered with a throttle (and retried by the adapter), one per call. */
export const CHIME_THROTTLES = { name: 'ChimeThrottles', operationDimension: 'Operation' } as const;

/** How late a timer fired (ms after its instant): the floor's cut must come within 2 s of the deadline. */
export const TIMER_LATENESS = { name: 'TimerLatenessMs' } as const;

/** A floor holder's microphone that Chime would not close (retried by a timer; an alarm). */
export const FLOOR_CUT_FAILED = { name: 'FloorCutFailed' } as const;

/** Floor events that did not reach the AppSync Events API (clients re-read the floor on reconnect). */
export const FLOOR_EVENTS_LOST = { name: 'FloorEventsLost' } as const;
