// Shim for `next/server` as used by src/app/api/runtime/custom/route.ts:
// only `new NextResponse(text, init)` and `NextResponse.json(body, init)`.
export class NextResponse extends Response {
  static json(body: unknown, init?: ResponseInit): Response {
    return Response.json(body, init);
  }
}
