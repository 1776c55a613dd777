-- Argo CD health of SalesforceDestination and SalesforceIdentity, read from the conditions the
-- controller writes (kstatus style): Stalled means it gave up until something changes,
-- Reconciling means it is still working, Ready is the verdict for observedGeneration.
local hs = {}

local function condition(conditions, kind)
  for _, c in ipairs(conditions or {}) do
    if c.type == kind then
      return c
    end
  end
  return nil
end

local function describe(c)
  if c.message ~= nil and c.message ~= "" then
    return c.reason .. ": " .. c.message
  end
  return c.reason
end

if obj.spec ~= nil and obj.spec.suspend == true then
  hs.status = "Suspended"
  hs.message = "spec.suspend is true: no Salesforce call is made"
  return hs
end

if obj.status == nil or obj.status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the controller"
  return hs
end

local generation = obj.metadata.generation or 0
local ready = condition(obj.status.conditions, "Ready")
local stalled = condition(obj.status.conditions, "Stalled")
local reconciling = condition(obj.status.conditions, "Reconciling")

-- A verdict about an older spec says nothing about the current one.
if ready == nil or (ready.observedGeneration or 0) < generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the controller to act on generation " .. generation
  return hs
end

if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = describe(stalled)
  return hs
end

if ready.status == "True" then
  hs.status = "Healthy"
  hs.message = describe(ready)
  return hs
end

if reconciling ~= nil and reconciling.status == "True" then
  hs.status = "Progressing"
  hs.message = describe(reconciling)
  return hs
end

if ready.status == "False" then
  hs.status = "Degraded"
else
  hs.status = "Progressing"
end
hs.message = describe(ready)
return hs
