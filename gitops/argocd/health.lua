-- Argo CD health check shared by every quartermaster.dev kind (one argocd-cm entry per kind,
-- generated into argocd-cm-patch.yaml by hack/generate.sh).
-- Argo CD runs this with the live object in the global `obj` and reads hs.status/hs.message.
-- Rules, in order:
--   Suspended   spec.suspended is true, or status.phase is Suspended
--   Progressing no status yet, or status.observedGeneration behind metadata.generation
--   Degraded    condition Stalled=True (its message), or phase Failed / Degraded
--   Progressing condition Reconciling=True (its message), or phase Deleting
--   Healthy     condition Ready=True, observed at the current generation
--   Progressing anything else (e.g. Ready=False while the operator is still working)
local hs = {}

local function findCondition(conditions, conditionType)
  if conditions == nil then
    return nil
  end
  for _, condition in ipairs(conditions) do
    if condition.type == conditionType then
      return condition
    end
  end
  return nil
end

local function describe(condition, fallback)
  if condition ~= nil and condition.message ~= nil and condition.message ~= "" then
    return condition.message
  end
  if condition ~= nil and condition.reason ~= nil and condition.reason ~= "" then
    return condition.reason
  end
  return fallback
end

if obj.spec ~= nil and obj.spec.suspended == true then
  hs.status = "Suspended"
  hs.message = "Suspended: spec.suspended is true"
  return hs
end

local status = obj.status
if status == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report status"
  return hs
end

if status.phase == "Suspended" then
  hs.status = "Suspended"
  hs.message = "Suspended"
  return hs
end

local generation = obj.metadata.generation
local observed = status.observedGeneration
if generation ~= nil and (observed == nil or observed < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. tostring(generation)
  return hs
end

local conditions = status.conditions
local stalled = findCondition(conditions, "Stalled")
if stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = describe(stalled, "Stalled")
  return hs
end

local ready = findCondition(conditions, "Ready")
if status.phase == "Failed" or status.phase == "Degraded" then
  hs.status = "Degraded"
  hs.message = describe(ready, "Phase is " .. status.phase)
  return hs
end

local reconciling = findCondition(conditions, "Reconciling")
if reconciling ~= nil and reconciling.status == "True" then
  hs.status = "Progressing"
  hs.message = describe(reconciling, "Reconciling")
  return hs
end

if status.phase == "Deleting" then
  hs.status = "Progressing"
  hs.message = "Deleting"
  return hs
end

if ready ~= nil and ready.status == "True" then
  local readyGeneration = ready.observedGeneration
  if generation == nil or readyGeneration == nil or readyGeneration == generation then
    hs.status = "Healthy"
    hs.message = describe(ready, "Ready")
    return hs
  end
end

hs.status = "Progressing"
hs.message = describe(ready, "Waiting for the Ready condition")
return hs
