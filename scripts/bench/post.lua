-- POST of the JSON in $BODY with the bearer token $TOKEN (registrations, applications).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
if os.getenv("TOKEN") and os.getenv("TOKEN") ~= "" then
	wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
end
wrk.body = os.getenv("BODY")
