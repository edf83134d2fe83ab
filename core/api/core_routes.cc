// RegisterCoreRoutes: every resource's routes, in one place, apart from any
// one resource so that a part of the API (the request body check, which
// reads the OpenAPI document's schemas) can be linked without all of it.
#include "core/api/api_context.h"

namespace smartercities::api {

Status RegisterCoreRoutes(ApiContext& context) {
  for (auto add :
       {&RegisterHealthRoutes, &RegisterThemeRoutes, &RegisterCityRoutes,
        &RegisterModuleRoutes, &RegisterMeasurementRoutes,
        &RegisterProgressRoutes, &RegisterReportRoutes, &RegisterSessionRoutes,
        &RegisterUserRoutes, &RegisterTokenRoutes, &RegisterAuditRoutes,
        &RegisterAgendaRoutes, &RegisterParticipationRoutes,
        &RegisterPublicationRoutes, &RegisterAmendmentRoutes,
        &RegisterExportRoutes, &RegisterDocumentRoutes,
        &RegisterOpenApiRoute}) {
    Status status = add(context);
    if (!status.ok()) return status;
  }
  return Status::Ok();
}

}  // namespace smartercities::api
