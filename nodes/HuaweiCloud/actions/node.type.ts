import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	serviceTicketAttachment: 'getDownloadLinks';
	digitalAsset: 'batchAction';
	auditLog: 'getDownloadLinks';
};

export type HuaweiCloudType = AllEntities<NodeMap>;
