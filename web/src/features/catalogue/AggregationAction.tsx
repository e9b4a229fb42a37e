/** The center administrator records that the center holds a dataset's data (归集), or no longer does, with a reason. */
import { api, unwrap, type Schemas } from '../../lib/api';
import { ReasonAction } from '../../components/ReasonAction';
import { withReadableProblems } from './terms';

export function AggregationAction({
  dataset,
  onDone,
  size,
}: {
  dataset: Schemas['DatasetSummary'];
  onDone: (next: Schemas['DatasetDetail']) => void;
  size?: 'small';
}) {
  const aggregate = !dataset.aggregated;
  return (
    <ReasonAction
      label={aggregate ? '记录归集' : '结束归集'}
      title={`${aggregate ? '记录归集' : '结束归集'}：${dataset.name}（${dataset.code}）`}
      operationId="setDatasetAggregation"
      reasonLabel={aggregate ? '归集说明' : '结束归集的原因'}
      required
      shownError={withReadableProblems}
      explanation={
        aggregate
          ? '记录市大数据中心已归集该资源的数据。已归集且无条件共享的数据，申请可由中心直接供数。'
          : '记录市大数据中心不再持有该资源的数据。此后的申请须由数据责任部门提供。'
      }
      button={{ type: aggregate ? 'primary' : 'default', size }}
      run={async (reason) =>
        onDone(
          await unwrap(
            api.PUT('/api/v1/datasets/{datasetId}/aggregation', {
              params: { path: { datasetId: dataset.id } },
              body: { aggregated: aggregate, reason: reason ?? '' },
            }),
          ),
        )
      }
    />
  );
}
