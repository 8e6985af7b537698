// Generated from docs/openapi.json by `npm run client-types` (openapi-typescript): do not edit.
export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process answers */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            status: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: the database answers */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            status: string;
                        };
                    };
                };
                /** @description Default Response */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics
         * @description Every metric, or with `name` only that one (empty when this process has no such metric): a cheap poll.
         */
        get: {
            parameters: {
                query?: {
                    /** @description one metric name */
                    name?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/event-types": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List event types by name */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    /** @description nextCursor of the previous page */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                name: string;
                                description: string;
                                /** @description JSON Schema of the data, or null */
                                schema: unknown;
                                /** @description Example data, or null */
                                example: unknown;
                                /** Format: date-time */
                                createdAt: string;
                                /** Format: date-time */
                                updatedAt: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Add an event type */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Lowercase dotted words: salesorder.created */
                        name: string;
                        description?: string;
                        schema?: {
                            [key: string]: unknown;
                        } | null;
                        /** @description Example data of an event of this type (any JSON; must match the schema); null: none */
                        example?: unknown;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            name: string;
                            description: string;
                            /** @description JSON Schema of the data, or null */
                            schema: unknown;
                            /** @description Example data, or null */
                            example: unknown;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/event-types/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add or update many event types at once (up to 1000): all or nothing, idempotent
         * @description Each entry creates its event type, or updates the stored one when its description, schema or example differ (a field left out keeps its stored value); an entry equal to the stored one changes nothing. Any bad entry answers 422 naming its index, and nothing is written.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        eventTypes: {
                            /** @description Lowercase dotted words: salesorder.created */
                            name: string;
                            description?: string;
                            schema?: {
                                [key: string]: unknown;
                            } | null;
                            /** @description Example data of an event of this type (any JSON; must match the schema); null: none */
                            example?: unknown;
                        }[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Event types added to the catalogue */
                            created: number;
                            /** @description Existing ones whose description, schema or example changed */
                            updated: number;
                            /** @description Existing ones the import left as they were */
                            unchanged: number;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/event-types/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an event type */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            name: string;
                            description: string;
                            /** @description JSON Schema of the data, or null */
                            schema: unknown;
                            /** @description Example data, or null */
                            example: unknown;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Remove an event type from the catalogue */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Done; no body */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change the description, schema or example of an event type */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        description?: string;
                        schema?: {
                            [key: string]: unknown;
                        } | null;
                        /** @description Example data of an event of this type (any JSON; must match the schema); null: none */
                        example?: unknown;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            name: string;
                            description: string;
                            /** @description JSON Schema of the data, or null */
                            schema: unknown;
                            /** @description Example data, or null */
                            example: unknown;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/subscribers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List subscribers, newest first */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    /** @description nextCursor of the previous page */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                name: string;
                                enabled: boolean;
                                metadata: {
                                    [key: string]: string;
                                } | null;
                                /** Format: date-time */
                                createdAt: string;
                                /** Format: date-time */
                                updatedAt: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a subscriber */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        enabled?: boolean;
                        metadata?: {
                            [key: string]: string;
                        } | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            enabled: boolean;
                            metadata: {
                                [key: string]: string;
                            } | null;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/subscribers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a subscriber */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            enabled: boolean;
                            metadata: {
                                [key: string]: string;
                            } | null;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a subscriber with its subscriptions, messages and attempts */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Done; no body */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Rename, enable or disable a subscriber, or change its metadata */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string;
                        enabled?: boolean;
                        metadata?: {
                            [key: string]: string;
                        } | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            enabled: boolean;
                            metadata: {
                                [key: string]: string;
                            } | null;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/subscribers/{id}/subscriptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List a subscriber's subscriptions, newest first, optionally those of one health status */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    /** @description nextCursor of the previous page */
                    cursor?: string;
                    health?: "healthy" | "degraded" | "failing" | "disabled";
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                subscriberId: string;
                                name: string | null;
                                description: string | null;
                                url: string;
                                method: "POST" | "GET";
                                eventTypes: string[];
                                channels: string[] | null;
                                headers: {
                                    [key: string]: string;
                                };
                                payloadFormat: "standard" | "raw" | "acculynx" | "cloudblue" | "template";
                                retrySchedule: number[] | null;
                                timeoutSeconds: number;
                                maxInFlight: number | null;
                                rateLimit: {
                                    limit: number;
                                    periodSeconds: number;
                                } | null;
                                filter: string[] | null;
                                /** @description With payloadFormat template: a JSON document whose string values hold {{ CEL }} holes over the same variables as filters; a string that is exactly one hole keeps the value's JSON type. At most 64 KB; compiled when saved (422 invalid_template with the path and position). null otherwise */
                                template: unknown;
                                templatePreset: ("slack" | "teams" | "discord") | null;
                                batch: {
                                    maxEvents: number;
                                    maxWaitMs: number;
                                    maxBytes: number | null;
                                } | null;
                                auth: {
                                    type: "jwt" | "basic" | "oauth2" | "apiKey";
                                    /** @description jwt: the JWT secret */
                                    secret?: string;
                                    previousSecret?: string | null;
                                    previousSecretExpiresAt?: string | null;
                                    username?: string;
                                    password?: string;
                                    tokenUrl?: string;
                                    clientId?: string;
                                    clientSecret?: string;
                                    scope?: string | null;
                                    audience?: string | null;
                                    header?: string;
                                    value?: string;
                                } | null;
                                /** @description Standard Webhooks signature headers on every request */
                                signing: boolean;
                                customData: {
                                    [key: string]: unknown;
                                } | null;
                                enabled: boolean;
                                /** @description disabled: not enabled (reason disabled_manually, endpoint_gone or out_of_order); failing: the breaker is open, or as many attempts in a row failed as open it; degraded: fewer did; healthy otherwise */
                                health: {
                                    status: "healthy" | "degraded" | "failing" | "disabled";
                                    reason: ("consecutive_failures" | "breaker_open" | "disabled_manually" | "endpoint_gone" | "out_of_order") | null;
                                    /** Format: date-time */
                                    since: string;
                                    /** @description Attempts in a row that did not succeed */
                                    consecutiveFailures: number;
                                    /** @description The first failed attempt after the last success; null while the last attempt succeeded */
                                    failingSince: string | null;
                                    /** @description When the last attempt answered 2xx was made; null: none yet */
                                    lastSuccessAt: string | null;
                                    /** @description When the last attempt that failed (another answer, a timeout, an error) was made; null: none yet */
                                    lastFailureAt: string | null;
                                    /** @description Messages failed for good (retries used up) since failingSince */
                                    failedMessages: number;
                                    breaker: {
                                        state: "closed" | "open" | "half_open";
                                        openedAt: string | null;
                                        /** @description open: when the next probe may go; half_open: when the probe in flight times out */
                                        until: string | null;
                                    };
                                };
                                /** Format: date-time */
                                createdAt: string;
                                /** Format: date-time */
                                updatedAt: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create a subscription; the answer holds its signing secret */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string | null;
                        description?: string | null;
                        method?: "POST" | "GET";
                        /** @description Exact names (salesorder.created) or wildcards (salesorder.*, *) */
                        eventTypes: string[];
                        channels?: string[] | null;
                        headers?: {
                            [key: string]: string;
                        };
                        payloadFormat?: "standard" | "raw" | "acculynx" | "cloudblue" | "template";
                        retrySchedule?: number[] | null;
                        timeoutSeconds?: number;
                        maxInFlight?: number | null;
                        rateLimit?: {
                            /** @description Attempts allowed per period */
                            limit: number;
                            /** @description The period, in seconds */
                            periodSeconds: number;
                        } | null;
                        filter?: string[] | null;
                        /** @description With payloadFormat template: a JSON document whose string values hold {{ CEL }} holes over the same variables as filters; a string that is exactly one hole keeps the value's JSON type. At most 64 KB; compiled when saved (422 invalid_template with the path and position). null otherwise */
                        template?: unknown;
                        templatePreset?: ("slack" | "teams" | "discord") | null;
                        batch?: {
                            /** @description Most messages per batch request */
                            maxEvents: number;
                            /** @description The longest the oldest message waits for its batch, in ms */
                            maxWaitMs: number;
                            maxBytes?: number | null;
                        } | null;
                        auth?: {
                            type: "jwt" | "basic" | "oauth2" | "apiKey";
                            secret?: string;
                            username?: string;
                            password?: string;
                            tokenUrl?: string;
                            clientId?: string;
                            clientSecret?: string;
                            scope?: string | null;
                            audience?: string | null;
                            header?: string;
                            value?: string;
                        } | null;
                        /** @description Standard Webhooks signature headers on every request (default true) */
                        signing?: boolean;
                        customData?: {
                            [key: string]: unknown;
                        } | null;
                        enabled?: boolean;
                        /** @description Absolute http(s) URL */
                        url: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            subscriberId: string;
                            name: string | null;
                            description: string | null;
                            url: string;
                            method: "POST" | "GET";
                            eventTypes: string[];
                            channels: string[] | null;
                            headers: {
                                [key: string]: string;
                            };
                            payloadFormat: "standard" | "raw" | "acculynx" | "cloudblue" | "template";
                            retrySchedule: number[] | null;
                            timeoutSeconds: number;
                            maxInFlight: number | null;
                            rateLimit: {
                                limit: number;
                                periodSeconds: number;
                            } | null;
                            filter: string[] | null;
                            /** @description With payloadFormat template: a JSON document whose string values hold {{ CEL }} holes over the same variables as filters; a string that is exactly one hole keeps the value's JSON type. At most 64 KB; compiled when saved (422 invalid_template with the path and position). null otherwise */
                            template: unknown;
                            templatePreset: ("slack" | "teams" | "discord") | null;
                            batch: {
                                maxEvents: number;
                                maxWaitMs: number;
                                maxBytes: number | null;
                            } | null;
                            auth: {
                                type: "jwt" | "basic" | "oauth2" | "apiKey";
                                /** @description jwt: the JWT secret */
                                secret?: string;
                                previousSecret?: string | null;
                                previousSecretExpiresAt?: string | null;
                                username?: string;
                                password?: string;
                                tokenUrl?: string;
                                clientId?: string;
                                clientSecret?: string;
                                scope?: string | null;
                                audience?: string | null;
                                header?: string;
                                value?: string;
                            } | null;
                            /** @description Standard Webhooks signature headers on every request */
                            signing: boolean;
                            customData: {
                                [key: string]: unknown;
                            } | null;
                            enabled: boolean;
                            /** @description disabled: not enabled (reason disabled_manually, endpoint_gone or out_of_order); failing: the breaker is open, or as many attempts in a row failed as open it; degraded: fewer did; healthy otherwise */
                            health: {
                                status: "healthy" | "degraded" | "failing" | "disabled";
                                reason: ("consecutive_failures" | "breaker_open" | "disabled_manually" | "endpoint_gone" | "out_of_order") | null;
                                /** Format: date-time */
                                since: string;
                                /** @description Attempts in a row that did not succeed */
                                consecutiveFailures: number;
                                /** @description The first failed attempt after the last success; null while the last attempt succeeded */
                                failingSince: string | null;
                                /** @description When the last attempt answered 2xx was made; null: none yet */
                                lastSuccessAt: string | null;
                                /** @description When the last attempt that failed (another answer, a timeout, an error) was made; null: none yet */
                                lastFailureAt: string | null;
                                /** @description Messages failed for good (retries used up) since failingSince */
                                failedMessages: number;
                                breaker: {
                                    state: "closed" | "open" | "half_open";
                                    openedAt: string | null;
                                    /** @description open: when the next probe may go; half_open: when the probe in flight times out */
                                    until: string | null;
                                };
                            };
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                            /** @description Standard Webhooks signing secret; shown here once */
                            secret: string;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/subscriptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List subscriptions, newest first, optionally those of one subscriber or one health status */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    /** @description nextCursor of the previous page */
                    cursor?: string;
                    subscriberId?: string;
                    health?: "healthy" | "degraded" | "failing" | "disabled";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                subscriberId: string;
                                name: string | null;
                                description: string | null;
                                url: string;
                                method: "POST" | "GET";
                                eventTypes: string[];
                                channels: string[] | null;
                                headers: {
                                    [key: string]: string;
                                };
                                payloadFormat: "standard" | "raw" | "acculynx" | "cloudblue" | "template";
                                retrySchedule: number[] | null;
                                timeoutSeconds: number;
                                maxInFlight: number | null;
                                rateLimit: {
                                    limit: number;
                                    periodSeconds: number;
                                } | null;
                                filter: string[] | null;
                                /** @description With payloadFormat template: a JSON document whose string values hold {{ CEL }} holes over the same variables as filters; a string that is exactly one hole keeps the value's JSON type. At most 64 KB; compiled when saved (422 invalid_template with the path and position). null otherwise */
                                template: unknown;
                                templatePreset: ("slack" | "teams" | "discord") | null;
                                batch: {
                                    maxEvents: number;
                                    maxWaitMs: number;
                                    maxBytes: number | null;
                                } | null;
                                auth: {
                                    type: "jwt" | "basic" | "oauth2" | "apiKey";
                                    /** @description jwt: the JWT secret */
                                    secret?: string;
                                    previousSecret?: string | null;
                                    previousSecretExpiresAt?: string | null;
                                    username?: string;
                                    password?: string;
                                    tokenUrl?: string;
                                    clientId?: string;
                                    clientSecret?: string;
                                    scope?: string | null;
                                    audience?: string | null;
                                    header?: string;
                                    value?: string;
                                } | null;
                                /** @description Standard Webhooks signature headers on every request */
                                signing: boolean;
                                customData: {
                                    [key: string]: unknown;
                                } | null;
                                enabled: boolean;
                                /** @description disabled: not enabled (reason disabled_manually, endpoint_gone or out_of_order); failing: the breaker is open, or as many attempts in a row failed as open it; degraded: fewer did; healthy otherwise */
                                health: {
                                    status: "healthy" | "degraded" | "failing" | "disabled";
                                    reason: ("consecutive_failures" | "breaker_open" | "disabled_manually" | "endpoint_gone" | "out_of_order") | null;
                                    /** Format: date-time */
                                    since: string;
                                    /** @description Attempts in a row that did not succeed */
                                    consecutiveFailures: number;
                                    /** @description The first failed attempt after the last success; null while the last attempt succeeded */
                                    failingSince: string | null;
                                    /** @description When the last attempt answered 2xx was made; null: none yet */
                                    lastSuccessAt: string | null;
                                    /** @description When the last attempt that failed (another answer, a timeout, an error) was made; null: none yet */
                                    lastFailureAt: string | null;
                                    /** @description Messages failed for good (retries used up) since failingSince */
                                    failedMessages: number;
                                    breaker: {
                                        state: "closed" | "open" | "half_open";
                                        openedAt: string | null;
                                        /** @description open: when the next probe may go; half_open: when the probe in flight times out */
                                        until: string | null;
                                    };
                                };
                                /** Format: date-time */
                                createdAt: string;
                                /** Format: date-time */
                                updatedAt: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/subscriptions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a subscription */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            subscriberId: string;
                            name: string | null;
                            description: string | null;
                            url: string;
                            method: "POST" | "GET";
                            eventTypes: string[];
                            channels: string[] | null;
                            headers: {
                                [key: string]: string;
                            };
                            payloadFormat: "standard" | "raw" | "acculynx" | "cloudblue" | "template";
                            retrySchedule: number[] | null;
                            timeoutSeconds: number;
                            maxInFlight: number | null;
                            rateLimit: {
                                limit: number;
                                periodSeconds: number;
                            } | null;
                            filter: string[] | null;
                            /** @description With payloadFormat template: a JSON document whose string values hold {{ CEL }} holes over the same variables as filters; a string that is exactly one hole keeps the value's JSON type. At most 64 KB; compiled when saved (422 invalid_template with the path and position). null otherwise */
                            template: unknown;
                            templatePreset: ("slack" | "teams" | "discord") | null;
                            batch: {
                                maxEvents: number;
                                maxWaitMs: number;
                                maxBytes: number | null;
                            } | null;
                            auth: {
                                type: "jwt" | "basic" | "oauth2" | "apiKey";
                                /** @description jwt: the JWT secret */
                                secret?: string;
                                previousSecret?: string | null;
                                previousSecretExpiresAt?: string | null;
                                username?: string;
                                password?: string;
                                tokenUrl?: string;
                                clientId?: string;
                                clientSecret?: string;
                                scope?: string | null;
                                audience?: string | null;
                                header?: string;
                                value?: string;
                            } | null;
                            /** @description Standard Webhooks signature headers on every request */
                            signing: boolean;
                            customData: {
                                [key: string]: unknown;
                            } | null;
                            enabled: boolean;
                            /** @description disabled: not enabled (reason disabled_manually, endpoint_gone or out_of_order); failing: the breaker is open, or as many attempts in a row failed as open it; degraded: fewer did; healthy otherwise */
                            health: {
                                status: "healthy" | "degraded" | "failing" | "disabled";
                                reason: ("consecutive_failures" | "breaker_open" | "disabled_manually" | "endpoint_gone" | "out_of_order") | null;
                                /** Format: date-time */
                                since: string;
                                /** @description Attempts in a row that did not succeed */
                                consecutiveFailures: number;
                                /** @description The first failed attempt after the last success; null while the last attempt succeeded */
                                failingSince: string | null;
                                /** @description When the last attempt answered 2xx was made; null: none yet */
                                lastSuccessAt: string | null;
                                /** @description When the last attempt that failed (another answer, a timeout, an error) was made; null: none yet */
                                lastFailureAt: string | null;
                                /** @description Messages failed for good (retries used up) since failingSince */
                                failedMessages: number;
                                breaker: {
                                    state: "closed" | "open" | "half_open";
                                    openedAt: string | null;
                                    /** @description open: when the next probe may go; half_open: when the probe in flight times out */
                                    until: string | null;
                                };
                            };
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a subscription with its messages and attempts */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Done; no body */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a subscription; fields left out keep their value, null clears a nullable one. enabled: true clears its health (then POST .../recover resends what failed) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string | null;
                        description?: string | null;
                        method?: "POST" | "GET";
                        /** @description Exact names (salesorder.created) or wildcards (salesorder.*, *) */
                        eventTypes?: string[];
                        channels?: string[] | null;
                        headers?: {
                            [key: string]: string;
                        };
                        payloadFormat?: "standard" | "raw" | "acculynx" | "cloudblue" | "template";
                        retrySchedule?: number[] | null;
                        timeoutSeconds?: number;
                        maxInFlight?: number | null;
                        rateLimit?: {
                            /** @description Attempts allowed per period */
                            limit: number;
                            /** @description The period, in seconds */
                            periodSeconds: number;
                        } | null;
                        filter?: string[] | null;
                        /** @description With payloadFormat template: a JSON document whose string values hold {{ CEL }} holes over the same variables as filters; a string that is exactly one hole keeps the value's JSON type. At most 64 KB; compiled when saved (422 invalid_template with the path and position). null otherwise */
                        template?: unknown;
                        templatePreset?: ("slack" | "teams" | "discord") | null;
                        batch?: {
                            /** @description Most messages per batch request */
                            maxEvents: number;
                            /** @description The longest the oldest message waits for its batch, in ms */
                            maxWaitMs: number;
                            maxBytes?: number | null;
                        } | null;
                        auth?: {
                            type: "jwt" | "basic" | "oauth2" | "apiKey";
                            secret?: string;
                            username?: string;
                            password?: string;
                            tokenUrl?: string;
                            clientId?: string;
                            clientSecret?: string;
                            scope?: string | null;
                            audience?: string | null;
                            header?: string;
                            value?: string;
                        } | null;
                        /** @description Standard Webhooks signature headers on every request (default true) */
                        signing?: boolean;
                        customData?: {
                            [key: string]: unknown;
                        } | null;
                        enabled?: boolean;
                        url?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            subscriberId: string;
                            name: string | null;
                            description: string | null;
                            url: string;
                            method: "POST" | "GET";
                            eventTypes: string[];
                            channels: string[] | null;
                            headers: {
                                [key: string]: string;
                            };
                            payloadFormat: "standard" | "raw" | "acculynx" | "cloudblue" | "template";
                            retrySchedule: number[] | null;
                            timeoutSeconds: number;
                            maxInFlight: number | null;
                            rateLimit: {
                                limit: number;
                                periodSeconds: number;
                            } | null;
                            filter: string[] | null;
                            /** @description With payloadFormat template: a JSON document whose string values hold {{ CEL }} holes over the same variables as filters; a string that is exactly one hole keeps the value's JSON type. At most 64 KB; compiled when saved (422 invalid_template with the path and position). null otherwise */
                            template: unknown;
                            templatePreset: ("slack" | "teams" | "discord") | null;
                            batch: {
                                maxEvents: number;
                                maxWaitMs: number;
                                maxBytes: number | null;
                            } | null;
                            auth: {
                                type: "jwt" | "basic" | "oauth2" | "apiKey";
                                /** @description jwt: the JWT secret */
                                secret?: string;
                                previousSecret?: string | null;
                                previousSecretExpiresAt?: string | null;
                                username?: string;
                                password?: string;
                                tokenUrl?: string;
                                clientId?: string;
                                clientSecret?: string;
                                scope?: string | null;
                                audience?: string | null;
                                header?: string;
                                value?: string;
                            } | null;
                            /** @description Standard Webhooks signature headers on every request */
                            signing: boolean;
                            customData: {
                                [key: string]: unknown;
                            } | null;
                            enabled: boolean;
                            /** @description disabled: not enabled (reason disabled_manually, endpoint_gone or out_of_order); failing: the breaker is open, or as many attempts in a row failed as open it; degraded: fewer did; healthy otherwise */
                            health: {
                                status: "healthy" | "degraded" | "failing" | "disabled";
                                reason: ("consecutive_failures" | "breaker_open" | "disabled_manually" | "endpoint_gone" | "out_of_order") | null;
                                /** Format: date-time */
                                since: string;
                                /** @description Attempts in a row that did not succeed */
                                consecutiveFailures: number;
                                /** @description The first failed attempt after the last success; null while the last attempt succeeded */
                                failingSince: string | null;
                                /** @description When the last attempt answered 2xx was made; null: none yet */
                                lastSuccessAt: string | null;
                                /** @description When the last attempt that failed (another answer, a timeout, an error) was made; null: none yet */
                                lastFailureAt: string | null;
                                /** @description Messages failed for good (retries used up) since failingSince */
                                failedMessages: number;
                                breaker: {
                                    state: "closed" | "open" | "half_open";
                                    openedAt: string | null;
                                    /** @description open: when the next probe may go; half_open: when the probe in flight times out */
                                    until: string | null;
                                };
                            };
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        trace?: never;
    };
    "/v1/subscriptions/{id}/secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The subscription's signing secret, and the previous one while a rotation's overlap lasts */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            secret: string;
                            /** @description The secret the last rotation replaced, while it is still valid (deliveries carry both signatures); null otherwise */
                            previousSecret: string | null;
                            /** @description Until when previousSecret stays valid; null with it */
                            previousSecretExpiresAt: string | null;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/subscriptions/{id}/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The stats panel: counters since a time (default: the last 24 hours), the state now, attempts per minute over 24 hours
         * @description Counters (messages, events, attempts and their outcomes, lastSuccessAt, lastFailureAt) cover what was created since `since`. failuresSinceLastSuccess, lastEventAt, nextAttemptAt, lastSuccess and lastFailure tell the state now, whenever those happened. series counts attempts by the minute they were made, over the 1,440 minutes ending with the current one. An attempt succeeded when the receiver answered 2xx.
         */
        get: {
            parameters: {
                query?: {
                    since?: string;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            subscriptionId: string;
                            /** Format: date-time */
                            since: string;
                            /** @description Messages created since `since`, by status */
                            messages: {
                                pending: number;
                                succeeded: number;
                                retrying: number;
                                failed: number;
                            };
                            /** @description Events the subscription got since `since` (one message each) */
                            events: number;
                            /** @description Attempts made since `since` ("triggers"), retries and manual ones included */
                            attempts: number;
                            /** @description Of those, answered 2xx ("success responses") */
                            attemptsSucceeded: number;
                            /** @description Of those, any other answer or none ("failure responses") */
                            attemptsFailed: number;
                            /** @description The last success since `since` */
                            lastSuccessAt: string | null;
                            /** @description The last failure since `since` */
                            lastFailureAt: string | null;
                            averageDurationMs: number | null;
                            /** @description Failed attempts after the last successful one, whenever it was (all of them if none ever succeeded) */
                            failuresSinceLastSuccess: number;
                            /** @description When the subscription last got an event, whenever that was */
                            lastEventAt: string | null;
                            /** @description When the next attempt of a pending or retrying message is due ("next trigger"; may be past: due now); attempts under way are not counted */
                            nextAttemptAt: string | null;
                            /** @description The last successful attempt, whenever it was */
                            lastSuccess: {
                                /** Format: date-time */
                                at: string;
                                /** @description GET /v1/attempts/{attemptId} shows it */
                                attemptId: string;
                            } | null;
                            /** @description The last failed attempt, whenever it was */
                            lastFailure: {
                                /** Format: date-time */
                                at: string;
                                /** @description GET /v1/attempts/{attemptId} shows it */
                                attemptId: string;
                            } | null;
                            /** @description Events the subscription's filter could not evaluate (a missing key, a wrong type): they did not reach it. Counted in memory by the process that ingested them, since it started (not stored, not since `since`); with several API processes, each counts its own */
                            filterErrors: {
                                /** @description Filter expressions that failed on an event (one per expression per event) */
                                count: number;
                                last: {
                                    /** Format: date-time */
                                    at: string;
                                    /** @description The expression's index in filter */
                                    index: number;
                                    expression: string;
                                    /** @description no_such_key, no_such_overload, not_a_bool, regex_input_too_long, evaluation_too_long, ... */
                                    code: string;
                                    message: string;
                                } | null;
                            };
                            /** @description Attempts per minute over the last 24 hours, by when they were made: 1,440 buckets, oldest first, the last one the current minute; bucket i starts at start + i × intervalSeconds */
                            series: {
                                /** Format: date-time */
                                start: string;
                                intervalSeconds: number;
                                succeeded: number[];
                                failed: number[];
                            };
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/subscriptions/{id}/recover": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send again, now, the failed (or, on request, retrying) messages of the subscription created since a time
         * @description Each becomes pending and due now, with a fresh retry budget, its next attempt recorded as manual (as resend does). A message whose attempt is under way is left to it and counted in inFlight.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: date-time */
                        since: string;
                        /** @description Which messages to send again; default ["failed"] */
                        status?: ("failed" | "retrying")[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description How many messages were queued again, due now */
                            messages: number;
                            /** @description How many matched but had an attempt under way: left to that attempt, whose outcome decides what comes next */
                            inFlight: number;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/subscriptions/{id}/secret/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rotate the signing secret; the previous one stays valid for a while */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description How long the previous secret stays valid (default 86400); 0 ends it now */
                        expiresInSeconds?: number;
                        /** @description Use this secret (whsec_ + base64 of 24-64 bytes) instead of a generated one */
                        secret?: string;
                    } | null;
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The new secret */
                            secret: string;
                            /** @description Until when deliveries are also signed with the previous secret */
                            previousSecretExpiresAt: string | null;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/subscriptions/{id}/jwt-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The JWT secret of a subscription whose auth is jwt (409 auth_not_jwt otherwise) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            secret: string;
                            /** @description The secret the last rotation replaced, while it is still valid (deliveries carry both signatures); null otherwise */
                            previousSecret: string | null;
                            /** @description Until when previousSecret stays valid; null with it */
                            previousSecretExpiresAt: string | null;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/subscriptions/{id}/jwt-secret/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rotate the JWT secret; the previous one stays valid for a while, as with the signing secret */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description How long the previous secret stays valid (default 86400); 0 ends it now */
                        expiresInSeconds?: number;
                        /** @description Use this JWT secret (16 to 512 characters) instead of a generated one */
                        secret?: string;
                    } | null;
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The new secret */
                            secret: string;
                            /** @description Until when deliveries are also signed with the previous secret */
                            previousSecretExpiresAt: string | null;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/subscriptions/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** "Trigger now": send a sample event (type herald.test unless given) to this subscription only */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Default herald.test */
                        type?: string;
                        /** @description Any JSON value (matching the type's schema); default the type's example, or a small sample */
                        data?: unknown;
                    } | null;
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            eventId: string;
                            eventType: string;
                            subscriberId: string;
                            subscriptionId: string;
                            url: string;
                            status: "pending" | "succeeded" | "retrying" | "failed";
                            attempts: number;
                            /** @description Scheduled retries used so far */
                            retries: number;
                            nextAttemptAt: string | null;
                            lastStatusCode: number | null;
                            lastError: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/subscriptions/{id}/check": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Conformance check: send test requests (valid, tampered, unsigned, stale...) to the receiver and score its answers */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Per request, in ms; default the subscription's timeout, at most 10000 */
                        timeoutMs?: number;
                    } | null;
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            url: string;
                            /** @description Every check passed (warnings allowed) */
                            passed: boolean;
                            summary: {
                                passed: number;
                                failed: number;
                                warnings: number;
                            };
                            checks: {
                                /** @description valid, tampered_body, missing_signature, wrong_signature, timestamp_old, ... */
                                name: string;
                                description: string;
                                status: "passed" | "failed" | "warning";
                                expected: string;
                                sent: {
                                    method: string;
                                    url: string;
                                    /** @description Credentials masked */
                                    headers: {
                                        [key: string]: string;
                                    };
                                    /** @description Its size and start */
                                    body: string;
                                } | null;
                                received: {
                                    status: number | null;
                                    /** @description The start of the response body */
                                    body: string;
                                    error: string | null;
                                    durationMs: number;
                                } | null;
                                why: string;
                            }[];
                            /** Format: date-time */
                            checkedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/subscriptions/{id}/listen": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Relay status; as a WebSocket upgrade, receive the deliveries on your machine (herald listen --subscription)
         * @description A WebSocket upgrade makes the caller the subscription's relay: while connected, its deliveries are sent over the socket (JSON messages, version 1) and answered by the listener, and recorded as normal attempts. A plain GET tells whether a listener is connected and whether this process takes listeners. 409 relay_connected: a listener is connected already (upgrade only); 409 relay_unavailable: this process does not deliver (role api; upgrade only).
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            subscriptionId: string;
                            /** @description Whether a listener is connected now (its deliveries go to it, not to the URL) */
                            connected: boolean;
                            /** @description Whether this process takes listeners: false in a process of role api (the upgrade answers 409) */
                            available: boolean;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/subscriptions/{id}/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Show what the subscription would do with an event, without sending anything
         * @description Body: {type, data?, channels?} (an event made up now, unscoped) or {eventId} (a stored event), and optionally draft: {filter?, payloadFormat?, template?, templatePreset?} to try unsaved changes (checked as PATCH checks them, never stored). Answers whether the event would reach the subscription, each filter expression's result, and the exact request an attempt would send.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            /** @description {type, data?, channels?} or {eventId}, and optionally draft */
            requestBody: {
                content: {
                    "application/json": {
                        /** @description The event type (need not be in the catalogue) */
                        type?: string;
                        /** @description The event data, any JSON value; default {} */
                        data?: unknown;
                        /** @description The channels the event is sent on; default none */
                        channels?: string[];
                        /** @description A stored event, instead of type and data */
                        eventId?: string;
                        /** @description Unsaved changes to try instead of the stored values, with the meaning and checks of PATCH (422 invalid_filter, invalid_template); nothing is stored */
                        draft?: {
                            filter?: string[] | null;
                            payloadFormat?: "standard" | "raw" | "acculynx" | "cloudblue" | "template";
                            /** @description With payloadFormat template: a JSON document whose string values hold {{ CEL }} holes over the same variables as filters; a string that is exactly one hole keeps the value's JSON type. At most 64 KB; compiled when saved (422 invalid_template with the path and position). null otherwise */
                            template?: unknown;
                            templatePreset?: ("slack" | "teams" | "discord") | null;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The event would reach the subscription: its type matches, its subscriber scope and channels allow it, and every filter expression holds */
                            matches: boolean;
                            /** @description Why it would not (the first reason) */
                            reason?: "event_type" | "subscriber" | "channels" | "filter";
                            filters: {
                                expression: string;
                                /** @description null: the expression failed on the event (it does not hold) */
                                result: boolean | null;
                                error?: string;
                                code?: string;
                            }[];
                            /** @description The request an attempt would send now, signed; credentials masked (********), OAuth 2.0 without fetching a token. webhook-id is a fresh id (a message has its own); the timestamp, signature and a JWT are made now, as each attempt makes its own. null when the payload format cannot render the event (see error) */
                            request: {
                                method: string;
                                url: string;
                                headers: {
                                    [key: string]: string;
                                };
                                /** @description The exact body; null for GET */
                                body: string | null;
                            } | null;
                            error?: {
                                code: string;
                                message: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Show what a draft subscription would do with an event, without storing or sending anything
         * @description Body: {subscription: <the body of POST /v1/subscribers/{id}/subscriptions>, subscriberId?, event: {type, data?, channels?}}. The draft is checked as a create checks it (the same 4xx answers). subscriberId: the draft's subscriber (a subscriber key: its own, the default); none for other keys unless given. The draft is signed with a throwaway secret.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        subscription: {
                            name?: string | null;
                            description?: string | null;
                            method?: "POST" | "GET";
                            /** @description Exact names (salesorder.created) or wildcards (salesorder.*, *) */
                            eventTypes: string[];
                            channels?: string[] | null;
                            headers?: {
                                [key: string]: string;
                            };
                            payloadFormat?: "standard" | "raw" | "acculynx" | "cloudblue" | "template";
                            retrySchedule?: number[] | null;
                            timeoutSeconds?: number;
                            maxInFlight?: number | null;
                            rateLimit?: {
                                /** @description Attempts allowed per period */
                                limit: number;
                                /** @description The period, in seconds */
                                periodSeconds: number;
                            } | null;
                            filter?: string[] | null;
                            /** @description With payloadFormat template: a JSON document whose string values hold {{ CEL }} holes over the same variables as filters; a string that is exactly one hole keeps the value's JSON type. At most 64 KB; compiled when saved (422 invalid_template with the path and position). null otherwise */
                            template?: unknown;
                            templatePreset?: ("slack" | "teams" | "discord") | null;
                            batch?: {
                                /** @description Most messages per batch request */
                                maxEvents: number;
                                /** @description The longest the oldest message waits for its batch, in ms */
                                maxWaitMs: number;
                                maxBytes?: number | null;
                            } | null;
                            auth?: {
                                type: "jwt" | "basic" | "oauth2" | "apiKey";
                                secret?: string;
                                username?: string;
                                password?: string;
                                tokenUrl?: string;
                                clientId?: string;
                                clientSecret?: string;
                                scope?: string | null;
                                audience?: string | null;
                                header?: string;
                                value?: string;
                            } | null;
                            /** @description Standard Webhooks signature headers on every request (default true) */
                            signing?: boolean;
                            customData?: {
                                [key: string]: unknown;
                            } | null;
                            enabled?: boolean;
                            /** @description Absolute http(s) URL */
                            url: string;
                        };
                        subscriberId?: string;
                        event: {
                            /** @description The event type (need not be in the catalogue) */
                            type: string;
                            /** @description The event data, any JSON value; default {} */
                            data?: unknown;
                            /** @description The channels the event is sent on; default none */
                            channels?: string[];
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The event would reach the subscription: its type matches, its subscriber scope and channels allow it, and every filter expression holds */
                            matches: boolean;
                            /** @description Why it would not (the first reason) */
                            reason?: "event_type" | "subscriber" | "channels" | "filter";
                            filters: {
                                expression: string;
                                /** @description null: the expression failed on the event (it does not hold) */
                                result: boolean | null;
                                error?: string;
                                code?: string;
                            }[];
                            /** @description The request an attempt would send now, signed; credentials masked (********), OAuth 2.0 without fetching a token. webhook-id is a fresh id (a message has its own); the timestamp, signature and a JWT are made now, as each attempt makes its own. null when the payload format cannot render the event (see error) */
                            request: {
                                method: string;
                                url: string;
                                headers: {
                                    [key: string]: string;
                                };
                                /** @description The exact body; null for GET */
                                body: string | null;
                            } | null;
                            error?: {
                                code: string;
                                message: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/template-presets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The template presets (Slack, Microsoft Teams, Discord) for payloadFormat template */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                /** @description What templatePreset names */
                                name: string;
                                description: string;
                                /** @description The template document the preset renders */
                                template: unknown;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List events, newest first */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    /** @description nextCursor of the previous page */
                    cursor?: string;
                    type?: string;
                    subscriberId?: string;
                    since?: string;
                    until?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                type: string;
                                data: unknown;
                                idempotencyKey: string | null;
                                subscriberId: string | null;
                                channels: string[] | null;
                                /** Format: date-time */
                                createdAt: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Send an event; answered once it and its messages are committed */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description The same as the body's idempotencyKey; both may be sent if they agree */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        type: string;
                        /** @description Any JSON value */
                        data: unknown;
                        idempotencyKey?: string;
                        subscriberId?: string | null;
                        channels?: string[] | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            type: string;
                            /** Format: date-time */
                            createdAt: string;
                            /** @description How many messages the event fanned out to */
                            messages: number;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send up to 1000 events; each gets its own result or error, in request order */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        events: {
                            type: string;
                            /** @description Any JSON value */
                            data: unknown;
                            idempotencyKey?: string;
                            subscriberId?: string | null;
                            channels?: string[] | null;
                        }[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: ({
                                id: string;
                                type: string;
                                /** Format: date-time */
                                createdAt: string;
                                /** @description How many messages the event fanned out to */
                                messages: number;
                            } | {
                                error: {
                                    code: string;
                                    message: string;
                                    details?: unknown;
                                };
                            })[];
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an event with its data */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            type: string;
                            data: unknown;
                            idempotencyKey: string | null;
                            subscriberId: string | null;
                            channels: string[] | null;
                            /** Format: date-time */
                            createdAt: string;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List messages, newest first */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    /** @description nextCursor of the previous page */
                    cursor?: string;
                    subscriberId?: string;
                    subscriptionId?: string;
                    eventType?: string;
                    status?: "pending" | "succeeded" | "retrying" | "failed";
                    since?: string;
                    until?: string;
                    eventId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                eventId: string;
                                eventType: string;
                                subscriberId: string;
                                subscriptionId: string;
                                url: string;
                                status: "pending" | "succeeded" | "retrying" | "failed";
                                attempts: number;
                                /** @description Scheduled retries used so far */
                                retries: number;
                                nextAttemptAt: string | null;
                                lastStatusCode: number | null;
                                lastError: string | null;
                                /** Format: date-time */
                                createdAt: string;
                                /** Format: date-time */
                                updatedAt: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/messages/resend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send again, now, the messages a filter selects (the filters of GET /v1/messages), at most `limit` per call
         * @description Takes the page GET /v1/messages would answer with the same filters (newest first, up to `limit`, default and most 1000). Each becomes pending and due now, with a fresh retry budget, its next attempt recorded as manual (as resend does). A message whose attempt is under way is left to it and counted in inFlight. When more match, nextCursor continues with the next page. A subscriber key resends only its own messages.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        subscriberId?: string;
                        subscriptionId?: string;
                        eventType?: string;
                        status?: "pending" | "succeeded" | "retrying" | "failed";
                        /** Format: date-time */
                        since?: string;
                        /** Format: date-time */
                        until?: string;
                        eventId?: string;
                        /**
                         * @description Most messages this call sends again, newest first; the rest are left to the next call (nextCursor)
                         * @default 1000
                         */
                        limit?: number;
                        /** @description nextCursor of the previous call with the same filters */
                        cursor?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description How many messages were queued again, due now */
                            resent: number;
                            /** @description How many matched but had an attempt under way: left to that attempt, whose outcome decides what comes next */
                            inFlight: number;
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/messages/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a message */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            eventId: string;
                            eventType: string;
                            subscriberId: string;
                            subscriptionId: string;
                            url: string;
                            status: "pending" | "succeeded" | "retrying" | "failed";
                            attempts: number;
                            /** @description Scheduled retries used so far */
                            retries: number;
                            nextAttemptAt: string | null;
                            lastStatusCode: number | null;
                            lastError: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a message and its attempts */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Done; no body */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/messages/{id}/resend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Queue the message for an immediate manual attempt with a fresh retry budget */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            eventId: string;
                            eventType: string;
                            subscriberId: string;
                            subscriptionId: string;
                            url: string;
                            status: "pending" | "succeeded" | "retrying" | "failed";
                            attempts: number;
                            /** @description Scheduled retries used so far */
                            retries: number;
                            nextAttemptAt: string | null;
                            lastStatusCode: number | null;
                            lastError: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            /** Format: date-time */
                            updatedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/messages/{id}/attempts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A message's attempts, newest first */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    /** @description nextCursor of the previous page */
                    cursor?: string;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                messageId: string;
                                subscriptionId: string;
                                subscriberId: string;
                                eventType: string;
                                statusCode: number | null;
                                durationMs: number;
                                error: string | null;
                                requestHeaders: {
                                    [key: string]: string;
                                };
                                responseHeaders: {
                                    [key: string]: string;
                                };
                                responseBody: string;
                                trigger: "scheduled" | "manual";
                                /** Format: date-time */
                                createdAt: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/attempts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List attempts, newest first; status filters on the message status */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    /** @description nextCursor of the previous page */
                    cursor?: string;
                    subscriberId?: string;
                    subscriptionId?: string;
                    eventType?: string;
                    status?: "pending" | "succeeded" | "retrying" | "failed";
                    since?: string;
                    until?: string;
                    messageId?: string;
                    statusCode?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                messageId: string;
                                subscriptionId: string;
                                subscriberId: string;
                                eventType: string;
                                statusCode: number | null;
                                durationMs: number;
                                error: string | null;
                                requestHeaders: {
                                    [key: string]: string;
                                };
                                responseHeaders: {
                                    [key: string]: string;
                                };
                                responseBody: string;
                                trigger: "scheduled" | "manual";
                                /** Format: date-time */
                                createdAt: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/attempts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an attempt */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            messageId: string;
                            subscriptionId: string;
                            subscriberId: string;
                            eventType: string;
                            statusCode: number | null;
                            durationMs: number;
                            error: string | null;
                            requestHeaders: {
                                [key: string]: string;
                            };
                            responseHeaders: {
                                [key: string]: string;
                            };
                            responseBody: string;
                            trigger: "scheduled" | "manual";
                            /** Format: date-time */
                            createdAt: string;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List API keys, newest first */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    /** @description nextCursor of the previous page */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                name: string;
                                scope: "admin" | "ingest" | "read" | "subscriber";
                                subscriberId: string | null;
                                allowedIps: string[] | null;
                                rateLimit: number | null;
                                /** Format: date-time */
                                createdAt: string;
                                expiresAt: string | null;
                                revokedAt: string | null;
                                /** @description Neither revoked nor expired */
                                active: boolean;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create an API key; the answer holds the key, shown this once */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                        scope: "admin" | "ingest" | "read" | "subscriber";
                        subscriberId?: string | null;
                        expiresAt?: string | null;
                        allowedIps?: string[] | null;
                        rateLimit?: number | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            scope: "admin" | "ingest" | "read" | "subscriber";
                            subscriberId: string | null;
                            allowedIps: string[] | null;
                            rateLimit: number | null;
                            /** Format: date-time */
                            createdAt: string;
                            expiresAt: string | null;
                            revokedAt: string | null;
                            /** @description Neither revoked nor expired */
                            active: boolean;
                            /** @description The API key itself; shown here once, only its hash is kept */
                            key: string;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an API key (never the key itself) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            scope: "admin" | "ingest" | "read" | "subscriber";
                            subscriberId: string | null;
                            allowedIps: string[] | null;
                            rateLimit: number | null;
                            /** Format: date-time */
                            createdAt: string;
                            expiresAt: string | null;
                            revokedAt: string | null;
                            /** @description Neither revoked nor expired */
                            active: boolean;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Revoke an API key (it stays listed, as revoked) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Done; no body */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-keys/{id}/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke an API key; it stops working at once (other API processes: within 5 s) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            scope: "admin" | "ingest" | "read" | "subscriber";
                            subscriberId: string | null;
                            allowedIps: string[] | null;
                            rateLimit: number | null;
                            /** Format: date-time */
                            createdAt: string;
                            expiresAt: string | null;
                            revokedAt: string | null;
                            /** @description Neither revoked nor expired */
                            active: boolean;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit-log": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List changes, newest first, filtered by actor, action, resource and time (since <= createdAt < until) */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    /** @description nextCursor of the previous page */
                    cursor?: string;
                    actor?: string;
                    action?: string;
                    resourceType?: string;
                    resourceId?: string;
                    since?: string;
                    until?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            data: {
                                id: string;
                                /** Format: date-time */
                                createdAt: string;
                                /** @description key_... (an API key), admin (HERALD_ADMIN_KEY), cli, or a session id */
                                actor: string;
                                /** @description <resourceType>.<verb>, e.g. subscription.update */
                                action: string;
                                resourceType: string;
                                resourceId: string | null;
                                changes: {
                                    [key: string]: unknown;
                                } | null;
                                ip: string | null;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign in: open a session (HttpOnly cookie) with an API key, the operator credentials or a portal link */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description An API key: the session gets its scope and ends with it */
                        apiKey?: string;
                        /** @description The operator user name (HERALD_JIWA_USERNAME), with password */
                        userName?: string;
                        /** @description HERALD_JIWA_PASSWORD, or an admin API key */
                        password?: string;
                        /** @description The token of a portal link (after #token=) */
                        portalToken?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            scope: "admin" | "ingest" | "read" | "subscriber";
                            /** @description Set when the caller is confined to one subscriber */
                            subscriberId: string | null;
                            /** @description Who the audit log names: the API key id, `admin`, or the session id */
                            actor: string;
                            authenticatedBy: "api-key" | "session-cookie" | "session-bearer" | "session-header";
                            /** @description How the session was opened; null without a session */
                            kind: "operator" | "api-key" | "portal" | null;
                            /** @description When the session expires unless used again (null without a session) */
                            expiresAt: string | null;
                            /** @description Send as X-CSRF-Token on every state-changing request signed in by the cookie (null without a session) */
                            csrfToken: string | null;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who the caller is: scope, confinement, how it authenticated, its session */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            scope: "admin" | "ingest" | "read" | "subscriber";
                            /** @description Set when the caller is confined to one subscriber */
                            subscriberId: string | null;
                            /** @description Who the audit log names: the API key id, `admin`, or the session id */
                            actor: string;
                            authenticatedBy: "api-key" | "session-cookie" | "session-bearer" | "session-header";
                            /** @description How the session was opened; null without a session */
                            kind: "operator" | "api-key" | "portal" | null;
                            /** @description When the session expires unless used again (null without a session) */
                            expiresAt: string | null;
                            /** @description Send as X-CSRF-Token on every state-changing request signed in by the cookie (null without a session) */
                            csrfToken: string | null;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Sign out: close the caller's session and clear its cookie */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Done; no body */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/subscribers/{id}/portal": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A short-lived, single-use link that opens the dashboard as this subscriber (its own records only) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description How long the link may be opened (default 15, at most 1440); fractions allowed */
                        expiresInMinutes?: number;
                    } | null;
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Opens the portal once; the token is in the fragment, so it never reaches access logs */
                            url: string;
                            expiresAt: string | null;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Open an operator session (UserName and Password); its token is a bearer token and the ss-id cookie */
        get: {
            parameters: {
                query?: {
                    UserName?: string;
                    Password?: string;
                    /** @description Overrides Accept */
                    format?: "json" | "xml" | "csv" | "html";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            UserId: string;
                            /** @description Also set as the ss-id cookie */
                            SessionId: string;
                            UserName: string;
                            DisplayName: string;
                            /** @description Send as Authorization: Bearer <token> */
                            BearerToken: string;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                            ResponseStatus?: {
                                ErrorCode: string;
                                Message: string;
                                Errors: unknown[];
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                            ResponseStatus?: {
                                ErrorCode: string;
                                Message: string;
                                Errors: unknown[];
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        /** Open an operator session (UserName and Password); its token is a bearer token and the ss-id cookie */
        post: {
            parameters: {
                query?: {
                    UserName?: string;
                    Password?: string;
                    /** @description Overrides Accept */
                    format?: "json" | "xml" | "csv" | "html";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        UserName?: string;
                        Password?: string;
                        /** @description Overrides Accept */
                        format?: "json" | "xml" | "csv" | "html";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            UserId: string;
                            /** @description Also set as the ss-id cookie */
                            SessionId: string;
                            UserName: string;
                            DisplayName: string;
                            /** @description Send as Authorization: Bearer <token> */
                            BearerToken: string;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                            ResponseStatus?: {
                                ErrorCode: string;
                                Message: string;
                                Errors: unknown[];
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                            ResponseStatus?: {
                                ErrorCode: string;
                                Message: string;
                                Errors: unknown[];
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/{provider}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Open an operator session (UserName and Password); its token is a bearer token and the ss-id cookie */
        get: {
            parameters: {
                query?: {
                    UserName?: string;
                    Password?: string;
                    /** @description Overrides Accept */
                    format?: "json" | "xml" | "csv" | "html";
                };
                header?: never;
                path: {
                    /** @description credentials, or logout to end the session */
                    provider: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            UserId: string;
                            /** @description Also set as the ss-id cookie */
                            SessionId: string;
                            UserName: string;
                            DisplayName: string;
                            /** @description Send as Authorization: Bearer <token> */
                            BearerToken: string;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                            ResponseStatus?: {
                                ErrorCode: string;
                                Message: string;
                                Errors: unknown[];
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                            ResponseStatus?: {
                                ErrorCode: string;
                                Message: string;
                                Errors: unknown[];
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        /** Open an operator session (UserName and Password); its token is a bearer token and the ss-id cookie */
        post: {
            parameters: {
                query?: {
                    UserName?: string;
                    Password?: string;
                    /** @description Overrides Accept */
                    format?: "json" | "xml" | "csv" | "html";
                };
                header?: never;
                path: {
                    /** @description credentials, or logout to end the session */
                    provider: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        UserName?: string;
                        Password?: string;
                        /** @description Overrides Accept */
                        format?: "json" | "xml" | "csv" | "html";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            UserId: string;
                            /** @description Also set as the ss-id cookie */
                            SessionId: string;
                            UserName: string;
                            DisplayName: string;
                            /** @description Send as Authorization: Bearer <token> */
                            BearerToken: string;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                            ResponseStatus?: {
                                ErrorCode: string;
                                Message: string;
                                Errors: unknown[];
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                            ResponseStatus?: {
                                ErrorCode: string;
                                Message: string;
                                Errors: unknown[];
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/Webhooks/Events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List all the published events a subscriber can subscribe to */
        get: {
            parameters: {
                query?: {
                    /** @description Overrides Accept */
                    format?: "json" | "xml" | "csv" | "html";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["def-0"][];
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                            ResponseStatus?: {
                                ErrorCode: string;
                                Message: string;
                                Errors: unknown[];
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                            ResponseStatus?: {
                                ErrorCode: string;
                                Message: string;
                                Errors: unknown[];
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/Webhooks/Subscribers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Add a new subscriber (operators only: a /auth session or an admin API key) */
        post: {
            parameters: {
                query?: {
                    Name?: string;
                    IsEnabled?: boolean;
                    /** @description Overrides Accept */
                    format?: "json" | "xml" | "csv" | "html";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        Name: string;
                        IsEnabled?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The SubscriberID */
                            RecID: string;
                            Name: string;
                            IsEnabled: boolean;
                            ItemNo: number;
                            /** @description Date: "\/Date(1511372206197-0000)\/" or ISO 8601, per HERALD_JIWA_DATE_FORMAT */
                            LastSavedDateTime: string;
                            RowHash: string;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                            ResponseStatus?: {
                                ErrorCode: string;
                                Message: string;
                                Errors: unknown[];
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                            ResponseStatus?: {
                                ErrorCode: string;
                                Message: string;
                                Errors: unknown[];
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/Webhooks/Subscribers/{SubscriberID}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A subscriber, by its SubscriberID */
        get: {
            parameters: {
                query?: {
                    /** @description Overrides Accept */
                    format?: "json" | "xml" | "csv" | "html";
                };
                header?: never;
                path: {
                    SubscriberID: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The SubscriberID */
                            RecID: string;
                            Name: string;
                            IsEnabled: boolean;
                            ItemNo: number;
                            /** @description Date: "\/Date(1511372206197-0000)\/" or ISO 8601, per HERALD_JIWA_DATE_FORMAT */
                            LastSavedDateTime: string;
                            RowHash: string;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                            ResponseStatus?: {
                                ErrorCode: string;
                                Message: string;
                                Errors: unknown[];
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                            ResponseStatus?: {
                                ErrorCode: string;
                                Message: string;
                                Errors: unknown[];
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/Webhooks/Subscribers/{SubscriberID}/Subscriptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Lists all subscriptions for a subscriber */
        get: {
            parameters: {
                query?: {
                    /** @description Overrides Accept */
                    format?: "json" | "xml" | "csv" | "html";
                };
                header?: never;
                path: {
                    SubscriberID: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The SubscriptionID */
                            RecID: string;
                            /** @description The SubscriberID */
                            SY_WebhookSubscriber_RecID: string;
                            EventName: string;
                            URL: string;
                            ItemNo: number;
                            /** @description Date: "\/Date(1511372206197-0000)\/" or ISO 8601, per HERALD_JIWA_DATE_FORMAT */
                            LastSavedDateTime: string;
                            RowHash: string;
                        }[];
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                            ResponseStatus?: {
                                ErrorCode: string;
                                Message: string;
                                Errors: unknown[];
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                            ResponseStatus?: {
                                ErrorCode: string;
                                Message: string;
                                Errors: unknown[];
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        /** Adds a Webhook subscription for a subscriber */
        post: {
            parameters: {
                query?: {
                    URL?: string;
                    EventName?: string;
                    Headers?: string;
                    /** @description Overrides Accept */
                    format?: "json" | "xml" | "csv" | "html";
                };
                header?: never;
                path: {
                    SubscriberID: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Taken from the path */
                        SubscriberID?: string;
                        URL: string;
                        /** @description An event name (inventory.stocklevel) or a wildcard (inventory.*) */
                        EventName: string;
                        /** @description Request headers sent with every message */
                        Headers?: {
                            Name: string;
                            Value: string;
                        }[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The SubscriptionID */
                            RecID: string;
                            /** @description The SubscriberID */
                            SY_WebhookSubscriber_RecID: string;
                            EventName: string;
                            URL: string;
                            ItemNo: number;
                            /** @description Date: "\/Date(1511372206197-0000)\/" or ISO 8601, per HERALD_JIWA_DATE_FORMAT */
                            LastSavedDateTime: string;
                            RowHash: string;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                            ResponseStatus?: {
                                ErrorCode: string;
                                Message: string;
                                Errors: unknown[];
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                            ResponseStatus?: {
                                ErrorCode: string;
                                Message: string;
                                Errors: unknown[];
                            };
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/Webhooks/Subscribers/{SubscriberID}/Subscriptions/{SubscriptionID}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One of a subscriber's subscriptions */
        get: {
            parameters: {
                query?: {
                    /** @description Overrides Accept */
                    format?: "json" | "xml" | "csv" | "html";
                };
                header?: never;
                path: {
                    SubscriberID: string;
                    SubscriptionID: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description The SubscriptionID */
                            RecID: string;
                            /** @description The SubscriberID */
                            SY_WebhookSubscriber_RecID: string;
                            EventName: string;
                            URL: string;
                            ItemNo: number;
                            /** @description Date: "\/Date(1511372206197-0000)\/" or ISO 8601, per HERALD_JIWA_DATE_FORMAT */
                            LastSavedDateTime: string;
                            RowHash: string;
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                            ResponseStatus?: {
                                ErrorCode: string;
                                Message: string;
                                Errors: unknown[];
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                            ResponseStatus?: {
                                ErrorCode: string;
                                Message: string;
                                Errors: unknown[];
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Deletes an existing subscription, with its messages and their responses */
        delete: {
            parameters: {
                query?: {
                    /** @description Overrides Accept */
                    format?: "json" | "xml" | "csv" | "html";
                };
                header?: never;
                path: {
                    SubscriberID: string;
                    SubscriptionID: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                            ResponseStatus?: {
                                ErrorCode: string;
                                Message: string;
                                Errors: unknown[];
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                            ResponseStatus?: {
                                ErrorCode: string;
                                Message: string;
                                Errors: unknown[];
                            };
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/Webhooks/Subscribers/{SubscriberID}/Messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Lists the messages for a subscriber (queryable: filter, page, order, choose fields) */
        get: {
            parameters: {
                query?: {
                    Skip?: number;
                    /** @description Capped by AutoQueryMaxLimit (HERALD_AUTOQUERY_MAX_LIMIT), also the default */
                    Take?: number;
                    /** @description Comma list of fields; -Field for descending */
                    OrderBy?: string;
                    /** @description Comma list of fields, descending */
                    OrderByDesc?: string;
                    /** @description Comma list of the fields to return */
                    Fields?: string;
                    SubscriberID?: string;
                    SubscriptionID?: string;
                    MessageID?: string;
                    EventName?: string;
                    URL?: string;
                    Body?: string;
                    ItemNo?: string;
                    Status?: string;
                    Retries?: string;
                    AddedDateTime?: string;
                    LastSavedDateTime?: string;
                    LastMessageResponseHTTPCode?: string;
                    LastMessageResponseMessage?: string;
                    /** @description Overrides Accept */
                    format?: "json" | "xml" | "csv" | "html";
                };
                header?: never;
                path: {
                    SubscriberID: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            Offset: number;
                            /** @description Rows matching the filters, whatever Skip and Take */
                            Total: number;
                            Results: {
                                SubscriberID: string;
                                SubscriptionID: string;
                                MessageID: string;
                                EventName: string;
                                URL: string;
                                /** @description The event data (JSON text) sent as the body */
                                Body: string;
                                ItemNo: number;
                                /** @description 0 Not sent, 1 Successful, 2 Failed, Retry Pending, 3 Failed */
                                Status: number;
                                Retries: number;
                                /** @description Date: "\/Date(1511372206197-0000)\/" or ISO 8601, per HERALD_JIWA_DATE_FORMAT */
                                AddedDateTime: string;
                                /** @description Date: "\/Date(1511372206197-0000)\/" or ISO 8601, per HERALD_JIWA_DATE_FORMAT */
                                LastSavedDateTime: string;
                                LastMessageResponseHTTPCode: number | null;
                                LastMessageResponseMessage: string | null;
                            }[];
                            Meta: {
                                [key: string]: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                            ResponseStatus?: {
                                ErrorCode: string;
                                Message: string;
                                Errors: unknown[];
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                            ResponseStatus?: {
                                ErrorCode: string;
                                Message: string;
                                Errors: unknown[];
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/Webhooks/Subscribers/{SubscriberID}/Messages/Responses": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Lists the message responses (delivery attempts) for a subscriber (queryable) */
        get: {
            parameters: {
                query?: {
                    Skip?: number;
                    /** @description Capped by AutoQueryMaxLimit (HERALD_AUTOQUERY_MAX_LIMIT), also the default */
                    Take?: number;
                    /** @description Comma list of fields; -Field for descending */
                    OrderBy?: string;
                    /** @description Comma list of fields, descending */
                    OrderByDesc?: string;
                    /** @description Comma list of the fields to return */
                    Fields?: string;
                    SubscriberID?: string;
                    SubscriptionID?: string;
                    MessageID?: string;
                    MessageResponseID?: string;
                    EventName?: string;
                    URL?: string;
                    Body?: string;
                    MessageItemNo?: string;
                    Status?: string;
                    Retries?: string;
                    AddedDateTime?: string;
                    MessageLastSavedDateTime?: string;
                    HTTPCode?: string;
                    Message?: string;
                    ItemNo?: string;
                    LastSavedDateTime?: string;
                    /** @description Overrides Accept */
                    format?: "json" | "xml" | "csv" | "html";
                };
                header?: never;
                path: {
                    SubscriberID: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            Offset: number;
                            /** @description Rows matching the filters, whatever Skip and Take */
                            Total: number;
                            Results: {
                                SubscriberID: string;
                                SubscriptionID: string;
                                MessageID: string;
                                MessageResponseID: string;
                                EventName: string;
                                URL: string;
                                Body: string;
                                MessageItemNo: number;
                                Status: number;
                                Retries: number;
                                /** @description Date: "\/Date(1511372206197-0000)\/" or ISO 8601, per HERALD_JIWA_DATE_FORMAT */
                                AddedDateTime: string;
                                /** @description Date: "\/Date(1511372206197-0000)\/" or ISO 8601, per HERALD_JIWA_DATE_FORMAT */
                                MessageLastSavedDateTime: string;
                                HTTPCode: number | null;
                                Message: string | null;
                                /** @description The attempt number within its message */
                                ItemNo: number;
                                /** @description Date: "\/Date(1511372206197-0000)\/" or ISO 8601, per HERALD_JIWA_DATE_FORMAT */
                                LastSavedDateTime: string;
                            }[];
                            Meta: {
                                [key: string]: string;
                            };
                        };
                    };
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                            ResponseStatus?: {
                                ErrorCode: string;
                                Message: string;
                                Errors: unknown[];
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                            ResponseStatus?: {
                                ErrorCode: string;
                                Message: string;
                                Errors: unknown[];
                            };
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/Webhooks/Subscribers/{SubscriberID}/Subscriptions/{SubscriptionID}/Messages/{MessageID}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Deletes an existing message, with its responses */
        delete: {
            parameters: {
                query?: {
                    /** @description Overrides Accept */
                    format?: "json" | "xml" | "csv" | "html";
                };
                header?: never;
                path: {
                    SubscriberID: string;
                    SubscriptionID: string;
                    MessageID: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Deleted */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description Default Response */
                "4XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                            ResponseStatus?: {
                                ErrorCode: string;
                                Message: string;
                                Errors: unknown[];
                            };
                        };
                    };
                };
                /** @description Default Response */
                "5XX": {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Stable snake_case error code */
                            code: string;
                            message: string;
                            details?: unknown;
                            ResponseStatus?: {
                                ErrorCode: string;
                                Message: string;
                                Errors: unknown[];
                            };
                        };
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** WebHookEvent */
        "def-0": {
            Name: string;
            Description: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
