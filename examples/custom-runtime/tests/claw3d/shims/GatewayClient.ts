// Stand-in for Claw3D's src/lib/gateway/GatewayClient.ts, a 1243-line React
// "use client" module that cannot load under plain Node. provider.ts and
// agentMessaging.ts need only these two value exports (everything else they
// import from it is `import type`, erased). Their bodies are copied verbatim
// from GatewayClient.ts lines 86-95 at Claw3D commit eeb6f31.
export const buildAgentMainSessionKey = (agentId: string, mainKey: string) => {
  const trimmedAgent = agentId.trim();
  const trimmedKey = mainKey.trim() || "main";
  return `agent:${trimmedAgent}:${trimmedKey}`;
};

export const parseAgentIdFromSessionKey = (sessionKey: string): string | null => {
  const match = sessionKey.match(/^agent:([^:]+):/);
  return match ? match[1] : null;
};

// The GatewayClient instance CustomRuntimeProvider's constructor takes; the
// provider only forwards connect/disconnect/onStatus/onGap/onEvent to it.
export class FakeGatewayClient {
  async connect(_opts: unknown) {}
  disconnect() {}
  onStatus(_h: unknown) { return () => {}; }
  onGap(_h: unknown) { return () => {}; }
  onEvent(_h: unknown) { return () => {}; }
}
