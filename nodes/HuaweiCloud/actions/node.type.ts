import type { AllEntities } from 'n8n-workflow';

type NodeMap = {
	serviceTicketAttachment: 'getDownloadLinks';
	digitalAsset:
		| 'batchAction'
		| 'activate'
		| 'deactivate'
		| 'moveToRecycleBin'
		| 'deletePermanently'
		| 'restore'
		| 'share'
		| 'unshare';
	auditLog: 'getDownloadLinks';
};

export type HuaweiCloudType = AllEntities<NodeMap>;
