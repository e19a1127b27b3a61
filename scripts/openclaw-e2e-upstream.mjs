// The scripted upstream of scripts/openclaw-e2e.sh: an OpenAI-compatible server on
// 127.0.0.1 (port 0) that logs every request as a JSON line (headers included) and
// answers /v1/chat/completions as MODE says:
//   ok   "OK, I put it in the <colour> basket." naming the basket the user text names,
//        streamed with "blue basket" cut across two deltas ("… blue bas" / "ket.")
//   429  {"error": {"message": "slow down", "type": "rate_limit"}} with status 429
//   500  {"error": {"message": "upstream exploded", "type": "server_error"}} with status 500
//   stall  never answers (the request stays in flight until the client goes)
// Usage: node openclaw-e2e-upstream.mjs LOG_FILE MODE_FILE   (prints "listening on http://127.0.0.1:PORT")
import fs from "node:fs";
import http from "node:http";

const [logFile, modeFile] = process.argv.slice(2);
const mode = () => {
  try {
    return fs.readFileSync(modeFile, "utf8").trim() || "ok";
  } catch {
    return "ok";
  }
};
const text = (message) =>
  typeof message?.content === "string"
    ? message.content
    : Array.isArray(message?.content)
      ? message.content.map((part) => part.text ?? "").join("")
      : "";

const server = http.createServer((request, response) => {
  let body = "";
  request.on("data", (chunk) => (body += chunk));
  request.on("end", () => {
    let parsed = null;
    try {
      parsed = JSON.parse(body);
    } catch {}
    const now = mode();
    fs.appendFileSync(
      logFile,
      JSON.stringify({ method: request.method, url: request.url, headers: request.headers, body: parsed ?? body, mode: now }) + "\n",
    );
    if (!request.url.endsWith("/chat/completions")) {
      response.writeHead(404, { "content-type": "application/json" });
      return response.end(JSON.stringify({ error: { message: `no route ${request.url}` } }));
    }
    if (now === "stall") return;
    if (now === "429" || now === "500") {
      const error =
        now === "429"
          ? { message: "slow down", type: "rate_limit" }
          : { message: "upstream exploded", type: "server_error" };
      response.writeHead(Number(now), { "content-type": "application/json" });
      return response.end(JSON.stringify({ error }));
    }
    const said = (parsed?.messages ?? []).filter((m) => m.role === "user").map(text).join("\n");
    const colour = /blue basket/.test(said) ? "blue" : /red basket/.test(said) ? "red" : "plain";
    const reply = `OK, I put it in the ${colour} basket.`;
    const id = "chatcmpl-e2e";
    const created = Math.floor(Date.now() / 1000);
    const model = parsed?.model ?? "acme-large";
    if (!parsed?.stream) {
      response.writeHead(200, { "content-type": "application/json" });
      return response.end(
        JSON.stringify({
          id, object: "chat.completion", created, model,
          choices: [{ index: 0, message: { role: "assistant", content: reply }, finish_reason: "stop" }],
          usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 },
        }),
      );
    }
    response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const send = (delta, finish = null) =>
      response.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
    const cut = reply.indexOf("ket.");
    send({ role: "assistant", content: "" });
    send({ content: cut > 0 ? reply.slice(0, cut) : reply });
    if (cut > 0) send({ content: reply.slice(cut) });
    send({}, "stop");
    response.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [], usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 } })}\n\n`);
    response.end("data: [DONE]\n\n");
  });
});
server.listen(0, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
