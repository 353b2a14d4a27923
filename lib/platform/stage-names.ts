/** The names serverless.yml gives a stage's resources (kept in one place for scripts and the local stack). */
export function stageNames(stage: string) {
  const prefix = `nfvi-doctor-${stage}`;
  return {
    topicPrefix: prefix,
    eventBus: prefix,
    inventoryTable: `${prefix}-inventory`,
    alarmsTable: `${prefix}-alarms`,
    alarmViewsTable: `${prefix}-alarm-views`,
    subscriptionsTable: `${prefix}-subscriptions`,
    callbackSubscriptionsTable: `${prefix}-callback-subscriptions`,
    callbackDeliveriesTable: `${prefix}-callback-deliveries`,
    tenantsTable: `${prefix}-tenants`,
    quarantineTable: `${prefix}-quarantine`,
    peerVotesTable: `${prefix}-peer-votes`,
    constraintsTable: `${prefix}-maintenance-constraints`,
    sessionsTable: `${prefix}-maintenance-sessions`,
    vimActionsTable: `${prefix}-vim-actions`,
    fencingTable: `${prefix}-fencing`,
    recoveriesTable: `${prefix}-recoveries`,
    recoveryPoliciesTable: `${prefix}-recovery-policies`,
    adminTopic: `${prefix}-admin`,
    failedInvocations: `${prefix}-failed-invocations`,
    notificationDeadLetters: `${prefix}-notification-dead-letters`,
    eventDeadLetters: `${prefix}-event-dead-letters`,
    callbackDeadLetters: `${prefix}-callback-dead-letters`,
  };
}
