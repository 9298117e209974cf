/**
 * How long in-flight work may take to finish at shutdown, per phase: first HTTP requests
 * (the listener stops accepting), then batch items (the worker stops claiming). A pod's
 * terminationGracePeriodSeconds must exceed its preStop delay plus twice this
 * (deploy/kubernetes/inference.yaml; a test checks it).
 */
export const shutdownDrainMs = 10_000;
