-- wrk: each thread logs in once (Basic + Prefer: persistent-auth), then every request reuses the
-- session with its cookie alone, as a session client does.
local cookie = nil
local login = wrk.format("GET", "/ovirt-engine/api", {
  ["Authorization"] = "Basic YWRtaW5AaW50ZXJuYWw6YmVuY2gtc2VjcmV0",
  ["Prefer"] = "persistent-auth",
})
local reuse = nil

request = function()
  if reuse == nil then return login end
  return reuse
end

response = function(status, headers, body)
  if status ~= 200 then
    error("unexpected status " .. status)
  end
  local set = headers["Set-Cookie"]
  if set ~= nil and reuse == nil then
    cookie = set:match("^(JSESSIONID=[^;]+)")
    reuse = wrk.format("GET", "/ovirt-engine/api", { ["Prefer"] = "persistent-auth", ["Cookie"] = cookie })
  end
end
