-- add_note on one of the cases 1..$CASES at random: a transition (event, hash chain, commit).
local n = tonumber(os.getenv("CASES"))
local token = os.getenv("TOKEN")
local body = '{"event":"add_note","text":"已电话联系申请人，确认所需信息范围。"}'
request = function()
	return wrk.format("POST", "/api/v1/cases/" .. math.random(1, n) .. "/events",
		{["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end
