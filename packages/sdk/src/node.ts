// @chipq/sdk/node: helpers that need Node (reading images from paths).
export {};
