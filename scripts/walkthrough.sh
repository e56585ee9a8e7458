#!/usr/bin/env bash
# The README's walk-through, from an empty start (DEMO=0 npm start) to a confirmed,
# delivered, rated match. Safe to run again: every run makes its own users and records.
set -euo pipefail
API=${API:-http://localhost:3000}
RUN=$(node -p 'Date.now().toString(36)')            # fresh users each run
tok() { curl -sf -X POST "$API/local/tokens" -H 'content-type: application/json' \
          -d "{\"role\":\"$1\",\"sub\":\"$1-$RUN\"}" | node -pe 'JSON.parse(require("fs").readFileSync(0)).token'; }
PROV=$(tok provider); SME=$(tok sme); OP=$(tok operator)
# call METHOD PATH TOKEN [BODY]: prints the JSON answer, stops on an error status
call() { curl -s --fail-with-body -X "$1" "$API$2" -H "authorization: Bearer $3" -H 'content-type: application/json' ${4:+-d "$4"}; }
j() { node -pe "JSON.parse(require('fs').readFileSync(0)).$1"; }
USCC=$(node -e 'const S="0123456789ABCDEFGHJKLMNPQRTUWXY",b=String(Math.floor(Math.random()*1e8)).padStart(8,"0");
  let o=0;[3,7,9,10,5,8,4,2].forEach((w,i)=>o+=parseInt(b[i],36)*w);o=11-o%11;const f="91510000"+b+(o==10?"X":o==11?"0":o);
  let s=0;for(let i=0;i<17;i++)s+=S.indexOf(f[i])*(3**i%31);console.log(f+S[(31-s%31)%31])')   # a valid Sichuan USCC
DEADLINE=$(node -p 'new Date(Date.now()+60*864e5).toISOString().slice(0,10)')

# 1. a provider (approved by an operator) and its offering: 3 on-site energy audits a month in Sichuan, free
P=$(call POST /v1/providers "$PROV" '{"name":"Sichuan Green Audit","kind":"GREEN_AUDIT_FIRM","regions":["CN-SC"],"languages":["zh-CN"],
  "certifications":[{"type":"CMA","number":"211912345678","validUntil":"2030-12-31"}],"contact":{"name":"Li Na","email":"li.na@example.cn"}}' | j id)
call POST /v1/providers/$P/approve "$OP" | j status                                   # APPROVED
call POST /v1/providers/$P/offerings "$PROV" '{"serviceType":"energy-audit","title":"On-site energy audit","regions":["CN-SC"],
  "remote":false,"languages":["zh-CN"],"capacityPerMonth":3,"publicWelfare":true,"leadTimeDays":5}' | j id

# 2. an SME and its need (the Idempotency-Key makes a retry of this request answer the same need)
S=$(call POST /v1/smes "$SME" "{\"name\":\"Chengdu Valve Co.\",\"uscc\":\"$USCC\",\"sizeClass\":\"SMALL\",\"tier\":\"SPECIALIZED\",
  \"industry\":\"valves\",\"region\":{\"province\":\"CN-SC\",\"city\":\"Chengdu\"},\"contact\":{\"name\":\"王经理\",\"phone\":\"13812345678\"}}" | j id)
N=$(curl -s --fail-with-body -X POST $API/v1/smes/$S/needs -H "authorization: Bearer $SME" -H 'content-type: application/json' \
  -H 'Idempotency-Key: audit-2027' -d "{\"serviceType\":\"energy-audit\",\"description\":\"Annual energy audit\",\"remoteOk\":false,\"deadline\":\"$DEADLINE\"}" | j id)

# 3. the market round (after the 1 s round delay) proposes a match
for i in $(seq 30); do [ "$(call GET /v1/needs/$N "$SME" | j status)" = PROPOSED ] && break; sleep 1; done
M=$(call GET /v1/needs/$N "$SME" | j currentMatch.id)
call GET "/v1/matches?status=PROPOSED" "$OP" | j 'items.length'                    # the operators' review queue

# 4. an operator approves; both parties accept: CONFIRMED, and each now sees the other's contact
call POST /v1/matches/$M/approve "$OP" | j status                                    # APPROVED
call POST /v1/matches/$M/accept "$SME" | j status                                    # APPROVED (the SME accepted)
call POST /v1/matches/$M/accept "$PROV" | j status                                   # CONFIRMED
call GET /v1/matches/$M "$SME" | j 'provider.contact.name'                            # Li Na

# 5. the provider delivers, the SME confirms (COMPLETED) and rates the match
call POST /v1/matches/$M/deliver "$PROV" | j status                                  # DELIVERED
call POST /v1/matches/$M/confirm "$SME" | j status                                   # COMPLETED
call POST /v1/matches/$M/feedback "$SME" '{"rating":5,"comment":"清楚、及时"}' | j 'feedback.rating'   # 5
call GET /v1/inbox "$PROV" | j 'items.map(i => i.title).join("\n")'                  # what the provider was told
